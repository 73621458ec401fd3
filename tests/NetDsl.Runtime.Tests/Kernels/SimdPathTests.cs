using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetDsl.Kernels;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// CI runs the suite once per instruction set by switching the runtime's knobs off. A knob the runtime does not
/// know is silently ignored (.NET 10 dropped <c>DOTNET_EnableAVX512F</c> and <c>DOTNET_EnableFMA</c>), and then
/// the run tests the same path twice. This test fails when a knob that is set did not take effect.
/// </summary>
public sealed class SimdPathTests
{
    [Fact]
    public void TheInstructionSetKnobsInTheEnvironmentTookEffect()
    {
        if (Off("DOTNET_EnableHWIntrinsic"))
        {
            Assert.False(Vector128.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 should leave only the scalar paths");
        }

        if (Off("DOTNET_EnableAVX"))
        {
            Assert.False(Avx.IsSupported, "DOTNET_EnableAVX=0 should leave SSE only");
            Assert.False(Vector256.IsHardwareAccelerated, "DOTNET_EnableAVX=0 should leave 128-bit vectors only");
        }

        if (Off("DOTNET_EnableAVX2"))
        {
            Assert.False(Fma.IsSupported, "DOTNET_EnableAVX2=0 should switch FMA off too");
            Assert.False(Vector256.IsHardwareAccelerated, "DOTNET_EnableAVX2=0 should leave 128-bit vectors only");
        }

        if (Off("DOTNET_EnableAVX512"))
        {
            Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableAVX512=0 should leave 256-bit vectors at most");
        }
    }

    [Fact]
    public void MultiplyAddFusesExactlyWhenTheHardwareHasFma()
    {
        // 1 + 2^-23 squared needs more than 24 bits: fused, the low bit survives; unfused, it is rounded away.
        float a = 1f + MathF.Pow(2, -23), c = -1f - MathF.Pow(2, -22);
        float fused = Simd128.MultiplyAdd(Vector128.Create(a), Vector128.Create(a), Vector128.Create(c)).GetElement(0);
        bool hardwareFma = Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;
        Assert.Equal(hardwareFma ? MathF.Pow(2, -46) : 0f, fused);
    }

    private static bool Off(string knob) => Environment.GetEnvironmentVariable(knob) is "0";
}
