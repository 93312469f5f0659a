using System.Diagnostics;
using System.Text;
using OtpWall.Core.Activations;

namespace OtpWall.Bench;

/// <summary>Code extraction on hostile SMS texts of 1 MB: each shape once made a pattern scan the text from every position.</summary>
internal static class Extraction
{
    /// <summary>The texts, by name: runs of word characters, hyphens, dots, digits and phone-like groups, then a code.</summary>
    public static IReadOnlyList<(string Name, string Text)> AdversarialTexts(int length = 1 << 20) =>
    [
        ("letters", Repeat("a", length)),
        ("a-a-a", Repeat("a-", length)),
        ("a.a.a", Repeat("a.", length)),
        ("digits", Repeat("1", length)),
        ("1 22 1 22", Repeat("1 22 ", length)),
        ("+1+1", Repeat("+1", length)),
        ("1,1,1", Repeat("1,", length)),
        ("mixed", Repeat("Your code 12 a-b.c @x 1 22 ", length)),
    ];

    /// <summary>The slowest extraction of each text, in milliseconds, over <paramref name="rounds"/> rounds (after one warm-up).</summary>
    public static double WorstMilliseconds(int rounds)
    {
        var texts = AdversarialTexts();
        foreach (var (_, text) in texts) OtpCodeExtractor.Extract(text);
        var worst = 0.0;
        for (var round = 0; round < rounds; round++)
            foreach (var (_, text) in texts)
            {
                var watch = Stopwatch.StartNew();
                OtpCodeExtractor.Extract(text);
                worst = Math.Max(worst, watch.Elapsed.TotalMilliseconds);
            }
        return worst;
    }

    private static string Repeat(string unit, int length)
    {
        var builder = new StringBuilder(length + unit.Length);
        while (builder.Length < length) builder.Append(unit);
        return builder.ToString(0, length);
    }
}
