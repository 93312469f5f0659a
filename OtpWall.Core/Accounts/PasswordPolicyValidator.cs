using Microsoft.AspNetCore.Identity;

namespace OtpWall.Core.Accounts;

/// <summary>
/// Passwords per current guidance (NIST SP 800-63B): at least 12 characters (Identity's own length rule), at most
/// 128, no composition rules, and refused when common, made of repeats, sequences or keyboard walks
/// (<see cref="PredictablePasswords"/>), or built from the account's own e-mail.
/// </summary>
internal sealed class PasswordPolicyValidator : IPasswordValidator<ApplicationUser>
{
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "123456789012", "1234567890123", "12345678901234", "123456789000", "1234567890qwerty", "000000000000",
        "111111111111", "123123123123", "121212121212", "112233445566", "987654321098", "147258369147",
        "password1234", "password12345", "password123456", "passwordpassword", "password1234!", "password!234",
        "p@ssw0rd1234", "p@ssword1234", "passw0rd1234", "mypassword123", "secretpassword", "changeme1234",
        "qwertyuiop12", "qwertyuiop123", "qwerty123456", "qwertyqwerty", "1q2w3e4r5t6y", "zaq12wsxcde3",
        "1qaz2wsx3edc", "asdfghjkl123", "qwertyuiopasdf", "abcdefghijkl", "abc123456789", "abcd12345678",
        "iloveyou1234", "letmein12345", "welcome12345", "welcome123456", "administrator", "admin1234567",
        "monkey123456", "football1234", "baseball1234", "sunshine1234", "princess1234", "dragon123456",
        "trustno11234", "superman1234", "starwars1234", "master123456", "aaaaaaaaaaaa", "otpwall12345",
        "otpwalldashboard", "otpwall123456",
    };

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        var errors = new List<IdentityError>();
        if (password is { Length: > PasswordPolicy.MaxLength })
            errors.Add(new IdentityError { Code = "PasswordTooLong", Description = $"Passwords can be at most {PasswordPolicy.MaxLength} characters." });
        if (password is not null && Common.Contains(password.Trim()))
            errors.Add(new IdentityError { Code = "PasswordTooCommon", Description = "This password is too common. Choose one that is harder to guess, such as a few unrelated words." });
        else if (password is { Length: >= PasswordPolicy.MinLength } && PredictablePasswords.IsPredictable(password))
            errors.Add(new IdentityError
            {
                Code = "PasswordPredictable",
                Description = "This password is made of repeats, sequences or keyboard patterns (like 'aaaa', '1234' or 'qwerty'). Choose one that is harder to guess, such as a few unrelated words.",
            });
        if (password is not null && user.Email is { Length: > 0 } email && ContainsEmail(password, email))
            errors.Add(new IdentityError { Code = "PasswordContainsEmail", Description = "The password must not contain your e-mail address or its name part." });
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    private static bool ContainsEmail(string password, string email)
    {
        var name = email.Split('@')[0];
        return password.Contains(email, StringComparison.OrdinalIgnoreCase) ||
               (name.Length >= 4 && password.Contains(name, StringComparison.OrdinalIgnoreCase));
    }
}
