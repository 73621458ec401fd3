#!/usr/bin/env bash
# The companion packages as a user gets them: packs NetDsl.Images and NetDsl.Plots next to NetDsl in a local feed,
# and a fresh console project that references all three writes a tiny folder of PNG class folders (and one TIFF),
# loads a PNG with ImageInput.Load, reads the folder with ImageDataset.FromDirectory, trains one epoch, and writes
# a training-curves PNG with NetDsl.Plots. Checks that the outputs are PNG files and that Skia's native library for
# linux-x64 (SkiaSharp.NativeAssets.Linux.NoDependencies) reached the consumer through the packages.
# Called by check.sh with its feed, version and work folder (NUGET_PACKAGES is check.sh's clean cache); it can
# also run alone: bash tests/Package/check-companions.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -eq 3 ]; then
  feed=$1 version=$2 work=$3
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  feed="$work/feed" version="0.1.0-check.$(date +%s)"
  export NUGET_PACKAGES="$work/packages"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1
  echo "==> dotnet pack src/NetDsl ($version)"
  dotnet pack "$root/src/NetDsl" -c Release -o "$feed" -p:Version="$version" -nologo -v q
fi

started=$(date +%s)
for project in NetDsl.Images NetDsl.Plots; do
  echo "==> dotnet pack src/$project ($version)"
  dotnet pack "$root/src/$project" -c Release -o "$feed" -p:Version="$version" -nologo -v q
done

echo "==> a fresh console project referencing NetDsl, NetDsl.Images and NetDsl.Plots"
app="$work/companions"
mkdir "$app"
cd "$app"
dotnet new console --framework net10.0 --name CompanionUser --output . >/dev/null
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$feed" />
  </packageSources>
</configuration>
XML
for package in NetDsl NetDsl.Images NetDsl.Plots; do
  dotnet add package "$package" --version "$version" >/dev/null
done
cat > Program.cs <<'CS'
using System;
using System.IO;
using BitMiracle.LibTiff.Classic;
using NetDsl;
using NetDsl.Images;
using NetDsl.Plots;
using NetDsl.Training;
using SkiaSharp;

// A tiny class folder: dark and light 8x8 gray images, the light class also as one TIFF.
for (int i = 0; i < 8; i++)
{
    WritePng($"shapes/dark/{i}.png", (byte)(10 + i));
    WritePng($"shapes/light/{i}.png", (byte)(240 - i));
}

using (Tiff tiff = Tiff.Open("shapes/light/8.tif", "w"))
{
    tiff.SetField(TiffTag.IMAGEWIDTH, 8);
    tiff.SetField(TiffTag.IMAGELENGTH, 8);
    tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
    tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
    tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
    tiff.SetField(TiffTag.ROWSPERSTRIP, 8);
    var row = new byte[8];
    Array.Fill(row, (byte)230);
    for (int y = 0; y < 8; y++)
    {
        tiff.WriteScanline(row, y);
    }
}

float[] one = ImageInput.Load("shapes/dark/3.png", TinyNet.InputShape);
Console.WriteLine($"ImageInput.Load: {one.Length} values, first {one[0] * 255:F0}/255");
ImageDataset images = ImageDataset.FromDirectory("shapes", 8, 8, ColorMode.Grayscale, new ImageDatasetOptions { Seed = 1 });
Console.WriteLine($"FromDirectory: {images.Count} images, classes {string.Join(",", images.ClassNames)}");
var net = new TinyNet(seed: 1);
TrainingHistory history = net.Fit(images, new FitOptions { Epochs = 1, BatchSize = 17 });
Console.WriteLine($"trained one step: loss {history.Epochs[0].Loss:F4}");
TrainingCurves.Save(history, "curves.png");
Console.WriteLine("wrote curves.png");

static void WritePng(string path, byte value)
{
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    using var bitmap = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Gray8, SKAlphaType.Opaque));
    bitmap.Erase(new SKColor(value, value, value));
    using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
    File.WriteAllBytes(path, png.ToArray());
}

[Network]
[Input(8, 8, 1)]
[Flatten]
[Dense(2, Activation = Activation.Softmax)]
public partial class TinyNet;
CS

echo "==> dotnet run"
output=$(dotnet run 2>&1) || { echo "$output"; echo "FAIL: the companion packages did not build or run"; exit 1; }
echo "$output"
grep -q "^ImageInput.Load: 64 values, first 13/255$" <<<"$output" || { echo "FAIL: ImageInput.Load did not read the PNG"; exit 1; }
grep -q "^FromDirectory: 17 images, classes dark,light$" <<<"$output" || { echo "FAIL: FromDirectory did not read the PNG and TIFF class folders"; exit 1; }
grep -q "^trained one step: loss [0-9]" <<<"$output" || { echo "FAIL: no training step"; exit 1; }
for png in curves.png shapes/dark/0.png; do
  [ -s "$png" ] || { echo "FAIL: $png is missing"; exit 1; }
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || { echo "FAIL: $png is not a PNG file"; exit 1; }
done
echo "curves.png: $(stat -c %s curves.png) bytes"

echo "==> Skia's native library for linux-x64 came with the packages"
grep -qi '"SkiaSharp.NativeAssets.Linux.NoDependencies/' obj/project.assets.json \
  || { echo "FAIL: SkiaSharp.NativeAssets.Linux.NoDependencies is not in the consumer's restore"; exit 1; }
native=$(find bin -path '*runtimes/linux-x64/native/libSkiaSharp.so' | head -n 1)
[ -n "$native" ] || { echo "FAIL: no runtimes/linux-x64/native/libSkiaSharp.so in the consumer's output"; exit 1; }
echo "$native: $(stat -c %s "$native") bytes"
echo "companion packages checked in $(( $(date +%s) - started )) s"
