namespace OtpWall.Core.Accounts;

/// <summary>
/// How much of a password a guesser cannot predict: NIST SP 800-63B asks to refuse "repetitive or sequential
/// characters" and context-specific words; keyboard walks belong with them. A character is predictable when it repeats
/// the one before (<c>bbbb</c>), continues a sequence (<c>1234</c>, <c>dcba</c>), sits next to the one before on a
/// QWERTY keyboard (<c>qwerty</c>, <c>1qaz</c>, <c>7890</c>), or is part of a repeat of something earlier in the
/// password (<c>qwertyqwerty</c>). The rest are surprises.
/// </summary>
public static class PredictablePasswords
{
    /// <summary>Fewer surprises than this and a password is refused.</summary>
    public const int MinSurprises = 5;

    private static readonly string[] Rows = ["1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./"];

    public static bool IsPredictable(string password) => Surprises(password) < MinSurprises;

    public static int Surprises(string password)
    {
        var text = password.ToLowerInvariant();
        var surprises = 0;
        for (var i = 0; i < text.Length;)
        {
            var repeat = LongestEarlierRepeat(text, i);
            if (repeat >= 3)
            {
                i += repeat;
                continue;
            }
            if (i == 0 || !Continues(text[i - 1], text[i])) surprises++;
            i++;
        }
        return surprises;
    }

    private static bool Continues(char previous, char current) =>
        current == previous || Math.Abs(current - previous) == 1 || Adjacent(previous, current);

    private static bool Adjacent(char a, char b)
    {
        if (Position(a) is not var (rowA, columnA) || Position(b) is not var (rowB, columnB)) return false;
        // Each row sits about half a key to the right of the one above: 'w' touches '2', '3', 'q', 'e', 'a' and 's'.
        return (rowB - rowA) switch
        {
            0 => Math.Abs(columnB - columnA) == 1,
            1 => columnB - columnA is -1 or 0,
            -1 => columnB - columnA is 0 or 1,
            _ => false,
        };
    }

    private static (int Row, int Column)? Position(char c)
    {
        for (var row = 0; row < Rows.Length; row++)
            if (Rows[row].IndexOf(c, StringComparison.Ordinal) is var column and >= 0) return (row, column);
        return null;
    }

    // The length of the longest stretch starting at i that already appeared before i (0 when none of 3 or more).
    private static int LongestEarlierRepeat(string text, int i)
    {
        var best = 0;
        for (var length = 3; i + length <= text.Length; length++)
        {
            if (text.AsSpan(0, i + length - 1).IndexOf(text.AsSpan(i, length), StringComparison.Ordinal) is var at and >= 0 && at < i) best = length;
            else break;
        }
        return best;
    }
}
