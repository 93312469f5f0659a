using System.Text.RegularExpressions;

namespace OtpWall.Core.Activations;

/// <summary>
/// Finds the one-time code in an SMS as people read it: <c>123456</c>, <c>123-456</c>, <c>123 456</c>,
/// <c>G-123456</c> (gives 123456), or letters and digits (<c>Q7K2M</c>). Links, e-mail addresses, phone numbers,
/// prices, dates and times are never taken for the code; a candidate next to a word such as "code", "код",
/// "código" or "验证码" wins over one that is not.
/// <para>
/// Whatever arrives is read in bounded time: invisible format characters are removed first (a zero-width space inside
/// <c>27​1828</c> must not make the code <c>1828</c>), only the first <see cref="MaxExtractedLength"/> characters are
/// searched (an SMS of ten parts is about 1,530), every pattern starts only where its run starts, so it is linear, and
/// each has a timeout besides. The full text is kept on the activation; only the search is bounded.
/// </para>
/// </summary>
public static partial class OtpCodeExtractor
{
    /// <summary>How much of an SMS is searched for its code.</summary>
    public const int MaxExtractedLength = 4_000;

    private const int TimeoutMilliseconds = 250;

    public static string? Extract(string? sms)
    {
        if (string.IsNullOrWhiteSpace(sms)) return null;
        try
        {
            return ExtractFrom(WithoutFormatCharacters(sms.Length > MaxExtractedLength ? sms[..MaxExtractedLength] : sms));
        }
        catch (RegexMatchTimeoutException)
        {
            return null; // no text a person would send takes this long; the SMS itself is still shown
        }
    }

    // Zero-width spaces and joiners, soft hyphens, direction marks, byte order marks: not seen, so not part of what is read.
    private static string WithoutFormatCharacters(string sms)
    {
        if (!sms.Any(c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)) return sms;
        return string.Concat(sms.Where(c => char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format));
    }

    private static string? ExtractFrom(string sms)
    {
        var text = Mask(sms);

        Candidate? best = null;
        foreach (Match match in CandidatePattern().Matches(text))
        {
            var code = Normalise(match);
            if (code is null) continue;
            var candidate = new Candidate(code, match.Index, Score(text, match, code));
            if (best is null || candidate.Score > best.Score) best = candidate;
        }
        return best?.Code;
    }

    // Blanks out what only looks like a code, keeping positions so keyword distances stay true.
    private static string Mask(string sms)
    {
        var text = sms;
        foreach (var pattern in new[] { Links(), Emails(), PhoneNumbers(), Prices(), Dates(), Times() })
            text = pattern.Replace(text, m => new string(' ', m.Length));
        return text;
    }

    private static string? Normalise(Match match)
    {
        if (match.Groups["prefixed"].Success) return match.Groups["prefixed"].Value;
        if (match.Groups["split1"].Success) return match.Groups["split1"].Value + match.Groups["split2"].Value;
        if (match.Groups["digits"].Success) return match.Groups["digits"].Value;
        var word = match.Groups["alnum"].Value;
        // Letters-and-digits codes are written in capitals; "2FA"-like words are too short to be one.
        return word.Length >= 5 && word.Any(char.IsDigit) && word.Any(char.IsLetter) && !word.Any(char.IsLower) ? word : null;
    }

    private static int Score(string text, Match match, string code)
    {
        var score = match.Groups["prefixed"].Success ? 8 : code.Length switch
        {
            6 => 4,
            4 or 5 => 3,
            7 or 8 => 2,
            _ => 1,
        };
        if (match.Groups["alnum"].Success) score -= 1;
        var before = text[Math.Max(0, match.Index - 48)..match.Index];
        var after = text[(match.Index + match.Length)..Math.Min(text.Length, match.Index + match.Length + 32)];
        if (Keyword().IsMatch(before)) score += 6;
        else if (Keyword().IsMatch(after)) score += 4;
        return score;
    }

    private sealed record Candidate(string Code, int Position, int Score);

    [GeneratedRegex(@"(?<![\w-])(?:[A-Z]{1,3}-(?<prefixed>\d{4,8})|(?<split1>\d{3})[- ](?<split2>\d{3})|(?<digits>\d{4,8})|(?<alnum>[A-Za-z0-9]{5,8}))(?![\w-])", RegexOptions.None, TimeoutMilliseconds)]
    private static partial Regex CandidatePattern();

    // Each alternative starts only where its run of characters starts: a long run is scanned once, not once per position.
    [GeneratedRegex(@"(?i)\b(?:https?://|www\.)\S+|(?<![\w.-])[\w-]+(?:\.[\w-]+)+/\S*", RegexOptions.None, TimeoutMilliseconds)]
    private static partial Regex Links();

    [GeneratedRegex(@"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", RegexOptions.None, TimeoutMilliseconds)]
    private static partial Regex Emails();

    // +1 415-237-0403, +44 20 7946 0958, (555) 123-4567, 555.123.4567, 8 800 555 35 35.
    // Groups are bounded (no phone number has more than seven), so a long run of "1 22 1 22 …" is not scanned from every number in it.
    [GeneratedRegex(@"\+\d[\d ().-]{6,24}\d|\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b|\b\d{1,4}(?:[ .-]\d{2,4}){3,6}\b", RegexOptions.None, TimeoutMilliseconds)]
    private static partial Regex PhoneNumbers();

    [GeneratedRegex(@"(?i)(?:[$€£¥₹₽]\s?\d[\d,.]*|(?<![\d,.])\d[\d,.]*\s?(?:usd|eur|gbp|rub|inr|pkr|idr|vnd|\$|€|£|руб|₽|₹|dollars?|euros?))", RegexOptions.None, TimeoutMilliseconds)]
    private static partial Regex Prices();

    [GeneratedRegex(@"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})\b", RegexOptions.None, TimeoutMilliseconds)]
    private static partial Regex Dates();

    [GeneratedRegex(@"\b\d{1,2}:\d{2}(?::\d{2})?\b", RegexOptions.None, TimeoutMilliseconds)]
    private static partial Regex Times();

    [GeneratedRegex(@"(?i)code|codigo|código|kode|kod\b|код|парол|pin\b|otp|passcode|password|verif|confirm|security|token|one[- ]time|is your|ist dein|est votre|é o seu|验证码|驗證碼|認証|인증|mã|รหัส|رمز|कोड|\bkod", RegexOptions.None, TimeoutMilliseconds)]
    private static partial Regex Keyword();
}
