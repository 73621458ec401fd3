namespace NetDsl.Kernels;

/// <summary>A number known to the JIT: generic code over an <see cref="IConstant"/> struct is compiled once
/// per value, with the value folded in (loop bounds, dead branches).</summary>
internal interface IConstant
{
    static abstract int Value { get; }
}

internal readonly struct C1 : IConstant
{
    public static int Value => 1;
}

internal readonly struct C2 : IConstant
{
    public static int Value => 2;
}

internal readonly struct C3 : IConstant
{
    public static int Value => 3;
}

internal readonly struct C4 : IConstant
{
    public static int Value => 4;
}

internal readonly struct C5 : IConstant
{
    public static int Value => 5;
}

internal readonly struct C6 : IConstant
{
    public static int Value => 6;
}

internal readonly struct C7 : IConstant
{
    public static int Value => 7;
}

internal readonly struct C8 : IConstant
{
    public static int Value => 8;
}

internal readonly struct C9 : IConstant
{
    public static int Value => 9;
}

internal readonly struct C10 : IConstant
{
    public static int Value => 10;
}

internal readonly struct C11 : IConstant
{
    public static int Value => 11;
}

internal readonly struct C12 : IConstant
{
    public static int Value => 12;
}
