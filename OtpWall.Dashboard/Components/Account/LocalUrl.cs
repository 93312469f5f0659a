namespace OtpWall.Dashboard.Components.Account;

/// <summary>
/// Whether a return address stays on this site, by the rules of ASP.NET Core's LocalRedirect (which throws, a 500, on
/// anything else): "/path" or "~/path", never "//", "/\" or a control character.
/// </summary>
internal static class LocalUrl
{
    public static bool IsLocal(string? url) => url switch
    {
        ['/'] or ['~', '/'] => true,
        ['/', var next, ..] => next is not ('/' or '\\') && !HasControlCharacter(url.AsSpan(1)),
        ['~', '/', var next, ..] => next is not ('/' or '\\') && !HasControlCharacter(url.AsSpan(2)),
        _ => false,
    };

    private static bool HasControlCharacter(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (char.IsControl(c)) return true;
        return false;
    }
}
