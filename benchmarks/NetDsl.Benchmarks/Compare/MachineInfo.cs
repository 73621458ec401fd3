using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Benchmarks.Compare;

/// <summary>What the report says about the machine and the software versions.</summary>
internal static class MachineInfo
{
    public static string Processor
    {
        get
        {
            try
            {
                if (File.Exists("/proc/cpuinfo"))
                {
                    string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                    if (line is not null)
                    {
                        return line[(line.IndexOf(':') + 1)..].Trim();
                    }
                }
            }
            catch (IOException)
            {
            }

            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    public static string Vectors =>
        $"Vector512 {YesNo(Vector512.IsHardwareAccelerated)}, Vector256 {YesNo(Vector256.IsHardwareAccelerated)}, " +
        $"Vector128 {YesNo(Vector128.IsHardwareAccelerated)}; " +
        (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86
            ? $"FMA {YesNo(Fma.IsSupported)}, AVX2 {YesNo(Avx2.IsSupported)}, AVX-512F {YesNo(Avx512F.IsSupported)}"
            : $"AdvSimd {YesNo(System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)}");

    public static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString()
        ?? "?";

    private static string YesNo(bool value) => value ? "yes" : "no";
}
