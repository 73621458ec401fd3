#!/usr/bin/env bash
# Packs NetDsl and uses the package exactly as a user would: a fresh console project that references it
# from a local folder feed, declares the seed model (attributes and a .netdsl file), builds and runs it;
# then checks that a shape mistake fails the build with one NDSL error on the right line; then ships the trained
# weights inside the assembly ([Network(Weights = ...)]): the app predicts with them after the file is deleted,
# also as one NativeAOT executable, and a wrong-shaped weights file fails the build with one located error;
# last, the companion packages NetDsl.Images and NetDsl.Plots from the same feed (check-companions.sh).
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
# Seed.netdsl is not listed: the package includes **/*.netdsl by default. The weights file below is listed here.
sed -i 's|</Project>|  <ItemGroup>\n    <!-- weights -->\n  </ItemGroup>\n</Project>|' PackageUser.csproj
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
net.Save("seed.safetensors");

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

echo "==> weights embedded at build time: [Network(Weights = \"seed.safetensors\")]"
sed -i "${line}s/Conv2D(64, 7,/Conv2D(64, 3,/" Program.cs
sed -i 's|^net.Save("seed.safetensors");$|var shipped = Shipped.Pretrained();\nvar r = new float[Shipped.OutputLength];\nshipped.Predict(image, r);\nConsole.WriteLine($"embedded weights agree: {p.SequenceEqual(r)}; runtime: {(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")}");|' Program.cs
sed -i 's|^Console.WriteLine(MnistNet.Summary);$|if (args.Length == 1) { new SmallNet(seed: 2).Save(args[0]); return; } // a file of another shape, for the last check\nConsole.WriteLine(MnistNet.Summary);|' Program.cs
cat >> Program.cs <<'CS'

[Network]
[Input(28, 28, 1)]
[Conv2D(16, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[Flatten]
[Dense(64, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class SmallNet;

[Network(Weights = "seed.safetensors")]
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[Flatten]
[Dense(64, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class Shipped;
CS
sed -i 's|<!-- weights -->|<AdditionalFiles Include="seed.safetensors" />|' PackageUser.csproj
dotnet build -nologo -v q -consoleLoggerParameters:NoSummary || { echo "FAIL: the app with embedded weights did not build"; exit 1; }

echo "==> dotnet publish -r linux-x64 -p:PublishAot=true (one native executable)"
started=$(date +%s)
dotnet publish -r linux-x64 -p:PublishAot=true -nologo -v q -o "$work/native" 2>&1 | tee "$work/publish.log"
warnings=$(grep -cE 'warning (IL|AOT)[0-9]+' "$work/publish.log" || true)
[ "$warnings" -eq 0 ] || { echo "FAIL: $warnings trim or AOT warnings"; exit 1; }
[ -x "$work/native/PackageUser" ] || { echo "FAIL: no native executable"; exit 1; }
echo "published in $(( $(date +%s) - started )) s: $(stat -c %s "$work/native/PackageUser") bytes"

echo "==> the weights file deleted: the JIT build and the native executable still predict with the weights"
rm seed.safetensors
output=$(dotnet run --no-build 2>&1) || { echo "$output"; echo "FAIL: the app did not run without its weights file"; exit 1; }
echo "$output" | tail -n 2
grep -q "embedded weights agree: True; runtime: JIT" <<<"$output" || { echo "FAIL: the embedded weights differ from the saved ones"; exit 1; }
output=$(cd "$work" && "$work/native/PackageUser" 2>&1) || { echo "$output"; echo "FAIL: the native executable failed"; exit 1; }
echo "$output" | tail -n 2
grep -q "embedded weights agree: True; runtime: NativeAOT" <<<"$output" || { echo "FAIL: the native executable does not predict with the embedded weights"; exit 1; }

echo "==> a weights file of another shape must fail the build with one NDSL error at the Weights argument"
output=$(dotnet run --no-build -- wrong.safetensors 2>&1) || { echo "$output"; echo "FAIL: could not write the wrong-shaped weights"; exit 1; }
mv wrong.safetensors seed.safetensors
weights_line=$(grep -n 'Network(Weights = "seed.safetensors")' Program.cs | cut -d: -f1)
if build=$(dotnet build -nologo -consoleLoggerParameters:NoSummary 2>&1); then
  echo "$build"; echo "FAIL: the wrong-shaped weights built"; exit 1
fi
errors=$(grep -E ': error [A-Z]+[0-9]+' <<<"$build" | sort -u)
echo "$errors"
count=$(grep -c . <<<"$errors")
[ "$count" -eq 1 ] || { echo "FAIL: expected exactly one error, got $count"; exit 1; }
grep -q "Program.cs($weights_line,[0-9]*): error NDSL0045: .*'conv2d/kernel' is \[3, 3, 1, 16\] in the file but \[3, 3, 1, 32\] in the network" <<<"$errors" \
  || { echo "FAIL: expected NDSL0045 naming conv2d/kernel and both shapes on line $weights_line"; exit 1; }

bash "$root/tests/Package/check-companions.sh" "$work/feed" "$version" "$work"

echo "package check: OK"
