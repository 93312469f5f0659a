namespace OtpWall.Dashboard.Components.Shared;

/// <summary>
/// Country flags as SVG files (flag-icons, in <c>flag-icons/</c>, served compressed by <see cref="Hosting.FlagFiles"/>): emoji flags show as two letters
/// on Windows. OTPWALL's countries come with ISO 3166 alpha-2 codes; anything else gets no flag rather than a wrong one.
/// </summary>
internal static class Flags
{
    public static string? PathFor(string? countryCode)
    {
        var code = countryCode?.Trim();
        if (code is not { Length: 2 } || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1])) return null;
        return $"/flags/4x3/{code.ToLowerInvariant()}.svg";
    }
}
