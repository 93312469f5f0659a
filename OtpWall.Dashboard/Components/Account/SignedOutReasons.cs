namespace OtpWall.Dashboard.Components.Account;

/// <summary>Why a tab was sent to sign-in, as the address carries it (<c>?ended=…</c>) and as the sign-in page says it.</summary>
internal static class SignedOutReasons
{
    // The reasons SessionRegistry records, by the code in the address.
    private static readonly (string Code, string Reason, string Sentence)[] s_known =
    [
        ("disabled", "account disabled", "An administrator disabled your account, so you were signed out. Ask them to enable it again."),
        ("everywhere", "signed out everywhere", "You were signed out on every device and browser."),
        ("password-reset", "password reset", "Your password was reset with a password link, so you were signed out. Sign in with the new password."),
        ("password-changed", "password changed", "Your password was changed in another browser, so you were signed out here. Sign in with the new password."),
        ("signed-out", "signed out", "You signed out in another tab of this browser."),
    ];

    public static string? CodeOf(string? reason) => s_known.FirstOrDefault(k => k.Reason == reason).Code ?? (reason is null ? null : "ended");

    /// <summary>What the sign-in page says for a code; a code it does not know says only that the session ended.</summary>
    public static string? SentenceFor(string? code) => code is null ? null
        : s_known.FirstOrDefault(k => k.Code == code).Sentence ?? "Your session ended, so you were signed out.";
}
