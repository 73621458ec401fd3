using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using NetDsl.Data;
using NetDsl.Runtime.Tests.Data;
using NetDsl.Runtime.Tests.Serialization;
using NetDsl.Serialization;

namespace NetDsl.Runtime.Tests.Fuzzing;

/// <summary>
/// Bounded mutation fuzzing of every file parser (fixed seeds, a few thousand files each, a few seconds): each
/// mutated file is read or refused with the parser's documented exception, never another; a refused load
/// changes nothing; and no file makes the parser allocate more than a small bound.
/// </summary>
public sealed class ParserFuzzTests
{
    private const int Files = 3000;
    private const long MemoryBound = 16 << 20;

    [Fact]
    public void MutatedSafetensorsFilesAreReadOrRefusedCleanly()
    {
        IReadOnlyList<ParameterTensor> layout = SafetensorsTestFiles.NetworkLayout();
        float[] saved = Enumerable.Range(0, 35).Select(i => (i * 0.37f) - 5f).ToArray();
        var original = new MemoryStream();
        Safetensors.Write(original, layout, saved, new Dictionary<string, string> { ["format"] = "netdsl", ["architecture"] = "input 4x4x1\nconv2d 2 2x2" });
        byte[] valid = original.ToArray();
        var mutator = new Mutator(seed: 20261130);
        int refused = 0;

        for (int n = 0; n < Files; n++)
        {
            byte[] file = mutator.Mutate(valid);
            foreach (bool seekable in new[] { true, false })
            {
                float[] parameters = SafetensorsTestFiles.Sentinel(35);
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    Safetensors.Load(Open(file, seekable), "fuzz", layout, parameters);

                    // All or nothing: a file that loads gives every tensor the file holds. While its checksum
                    // survives, that is exactly the saved values (a mutation can also destroy the checksum's key,
                    // and a file without a checksum, such as one from another tool, is taken as it is).
                    if (System.Text.Encoding.ASCII.GetString(file).Contains("\"netdsl.data_crc32c\":\""))
                    {
                        SafetensorsTestFiles.AssertSameBits(saved, parameters);
                    }
                    else
                    {
                        SafetensorsFile read = Safetensors.Read(Open(file, seekable), "fuzz");
                        foreach (ParameterTensor tensor in layout)
                        {
                            SafetensorsTestFiles.AssertSameBits(read[tensor.Name].ToSingleArray(), tensor.Slice((ReadOnlySpan<float>)parameters));
                        }
                    }
                }
                catch (InvalidDataException)
                {
                    refused++;
                    Assert.Equal(SafetensorsTestFiles.Sentinel(35), parameters);
                }
                catch (Exception e)
                {
                    Assert.Fail($"file {n} (seekable: {seekable}): Load threw {e.GetType().Name}: {e.Message}\n{Hex(file)}");
                }

                try
                {
                    Safetensors.Read(Open(file, seekable), "fuzz");
                }
                catch (Exception e) when (e is InvalidDataException or NotSupportedException)
                {
                }
                catch (Exception e)
                {
                    Assert.Fail($"file {n} (seekable: {seekable}): Read threw {e.GetType().Name}: {e.Message}\n{Hex(file)}");
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated < MemoryBound, $"file {n}: reading it allocated {allocated:N0} bytes\n{Hex(file)}");
            }
        }

        Assert.InRange(refused, Files, 2 * Files); // most mutations must be caught, some may be harmless
    }

    [Fact]
    public void MutatedIdxFilesAreReadOrRefusedCleanly()
    {
        byte[] images = IdxTestFiles.Ubyte([6, 5, 4], IdxTestFiles.Sequence(120));
        byte[] labels = IdxTestFiles.Ubyte([6], [0, 1, 2, 3, 4, 5]);
        var mutator = new Mutator(seed: 1130);
        using var files = new IdxTestFiles();
        int refused = 0;

        for (int n = 0; n < Files; n++)
        {
            bool gzip = n % 2 == 1;
            byte[] original = n % 3 == 0 ? labels : images;
            byte[] file = gzip && n % 4 == 1 ? mutator.Mutate(IdxTestFiles.Gzip(original)) : mutator.Mutate(original);
            if (gzip && n % 4 == 3)
            {
                file = IdxTestFiles.Gzip(file); // mutated content, valid compression
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                IdxData data = IdxReader.Read(new MemoryStream(file), "fuzz");
                Assert.Equal(IdxReader.ElementCount(data.Dimensions.ToArray()), data.Values.Length);
            }
            catch (InvalidDataException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"file {n}: IdxReader threw {e.GetType().Name}: {e.Message}\n{Hex(file)}");
            }

            // The dataset loader on top of it: a mutated images file with the labels, or the reverse.
            string imagesPath = files.Write("images", n % 3 == 0 ? images : file);
            string labelsPath = files.Write("labels", n % 3 == 0 ? file : labels);
            try
            {
                Dataset dataset = Dataset.LoadIdx(imagesPath, labelsPath);
                Assert.Equal(dataset.Count * dataset.SampleLength, dataset.Inputs.Length);
            }
            catch (InvalidDataException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"file {n}: Dataset.LoadIdx threw {e.GetType().Name}: {e.Message}\n{Hex(file)}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < MemoryBound, $"file {n}: reading it allocated {allocated:N0} bytes\n{Hex(file)}");
        }

        Assert.True(refused > Files / 2, $"only {refused} of {Files} mutated files were refused");
    }

    private static Stream Open(byte[] file, bool seekable) => seekable ? new MemoryStream(file) : new NonSeekableStream(file);

    private static string Hex(byte[] file) => Convert.ToHexString(file.AsSpan(0, Math.Min(file.Length, 512)));
}
