#!/usr/bin/env bash
# Packs NetDsl and uses the package exactly as a user would: a fresh console project that references it
# from a local folder feed, declares the seed model (attributes and a .netdsl file), builds and runs it;
# then checks that a shape mistake fails the build with one NDSL error on the right line.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version="0.1.0-check.$(date +%s)"
export NUGET_PACKAGES="$work/packages"   # a clean cache: never a stale NetDsl from an earlier run
export DOTNET_CLI_TELEMETRY_OPTOUT=1

echo "==> dotnet pack src/NetDsl ($version)"
dotnet pack "$root/src/NetDsl" -c Release -o "$work/feed" -p:Version="$version" -nologo -v q

echo "==> a fresh console project referencing the package"
mkdir "$work/app"
cd "$work/app"
dotnet new console --framework net10.0 --name PackageUser --output . >/dev/null
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
XML
dotnet add package NetDsl --version "$version" >/dev/null
cat > Seed.netdsl <<'DSL'
network SeedFromFile
input 28x28x1
conv2d 32 3x3 relu
maxpool 2x2
conv2d 64 3x3 relu
maxpool 2x2
conv2d 64 3x3 relu
flatten
dense 64 relu
dense 10 softmax
DSL
sed -i 's|</Project>|  <ItemGroup>\n    <AdditionalFiles Include="*.netdsl" />\n  </ItemGroup>\n</Project>|' PackageUser.csproj
cat > Program.cs <<'CS'
using System;
using System.Linq;
using NetDsl;

Console.WriteLine(MnistNet.Summary);
var net = new MnistNet(seed: 1);
var twin = new SeedFromFile(seed: 1);
var image = Enumerable.Range(0, MnistNet.InputLength).Select(i => (i % 28) / 28f).ToArray();
var p = new float[MnistNet.OutputLength];
var q = new float[SeedFromFile.OutputLength];
net.Predict(image, p);
twin.Predict(image, q);
Console.WriteLine($"sum of probabilities {p.Sum():F4}; file twin agrees: {p.SequenceEqual(q)}; class {net.Classify(image)}");

[Network]
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[Flatten]
[Dense(64, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class MnistNet;
CS

echo "==> dotnet run"
output=$(dotnet run 2>&1) || { echo "$output"; echo "FAIL: the package did not build or run"; exit 1; }
echo "$output"
grep -q "Total params: 93,322" <<<"$output" || { echo "FAIL: no 93,322 parameters in the summary"; exit 1; }
grep -q "sum of probabilities 1.0000; file twin agrees: True" <<<"$output" || { echo "FAIL: wrong prediction"; exit 1; }

echo "==> a 7x7 kernel on a 5x5x64 input must fail the build with one NDSL error on its line"
line=$(grep -n '^\[Conv2D(64, 3' Program.cs | tail -n 1 | cut -d: -f1)
sed -i "${line}s/Conv2D(64, 3,/Conv2D(64, 7,/" Program.cs
if build=$(dotnet build -nologo -consoleLoggerParameters:NoSummary 2>&1); then
  echo "$build"; echo "FAIL: the broken model built"; exit 1
fi
errors=$(grep -E ': error [A-Z]+[0-9]+' <<<"$build" | sort -u)
echo "$errors"
count=$(grep -c . <<<"$errors")
[ "$count" -eq 1 ] || { echo "FAIL: expected exactly one error, got $count"; exit 1; }
grep -q "Program.cs($line,2): error NDSL0009" <<<"$errors" || { echo "FAIL: expected NDSL0009 on line $line"; exit 1; }

echo "package check: OK"
