using System;
using System.Linq;
using NetDsl.Interop;

namespace NetDsl.Runtime.Tests.Interop;

public sealed class ChannelLayoutTests
{
    [Fact]
    public void ChannelsFirstBecomesChannelsLastAndBack()
    {
        // Two samples of 2 channels of 2x3: value = n*100 + c*10 + (y*3 + x) in NCHW order.
        float[] nchw = Enumerable.Range(0, 24).Select(i => (float)((i / 12 * 100) + (i / 6 % 2 * 10) + (i % 6))).ToArray();
        var nhwc = new float[24];
        ChannelLayout.ToChannelsLast(nchw, nhwc, channels: 2, height: 2, width: 3);
        Assert.Equal(new float[] { 0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15 }, nhwc[..12]);
        Assert.Equal(new float[] { 100, 110, 101, 111 }, nhwc[12..16]);

        var back = new float[24];
        ChannelLayout.ToChannelsFirst(nhwc, back, channels: 2, height: 2, width: 3);
        Assert.Equal(nchw, back);
    }

    [Fact]
    public void WrongLengthsSizesAndOverlapAreClearErrors()
    {
        var buffer = new float[24];
        Assert.Contains("same whole number", Assert.Throws<ArgumentException>(() => ChannelLayout.ToChannelsLast(new float[24], new float[23], 2, 2, 3)).Message, StringComparison.Ordinal);
        Assert.Contains("same whole number", Assert.Throws<ArgumentException>(() => ChannelLayout.ToChannelsLast(new float[10], new float[10], 2, 2, 3)).Message, StringComparison.Ordinal);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => ChannelLayout.ToChannelsFirst(new float[0], new float[0], 0, 2, 3)).Message, StringComparison.Ordinal);
        Assert.Contains("overlap", Assert.Throws<ArgumentException>(() => ChannelLayout.ToChannelsLast(buffer, buffer, 2, 2, 3)).Message, StringComparison.Ordinal);
    }
}
