using Microsoft.AspNetCore.Identity;

namespace OtpWall.Core.Accounts;

/// <summary>
/// What an e-mail address may be here: at most 254 characters (the longest address mail can carry), made of the characters
/// Identity allows in a user name. Every way an account is made (registration, the tests' and tools' own) passes here.
/// </summary>
public sealed class EmailRules : IUserValidator<ApplicationUser>
{
    /// <summary>The longest e-mail address accepted (RFC 5321's limit for a path, less its angle brackets).</summary>
    public const int MaxLength = 254;

    public const string TooLong = "An e-mail address is 254 characters at most.";

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        Task.FromResult(user.Email is { Length: > MaxLength } || user.UserName is { Length: > MaxLength }
            ? IdentityResult.Failed(new IdentityError { Code = "EmailTooLong", Description = TooLong })
            : IdentityResult.Success);
}

/// <summary>Identity's refusals in words that fit this dashboard, where its own say something untrue here.</summary>
public sealed class AccountErrors : IdentityErrorDescriber
{
    // Identity's own says "can only contain letters or digits", yet - . _ @ + are allowed too (and the name is an e-mail).
    public override IdentityError InvalidUserName(string? userName) => new()
    {
        Code = nameof(InvalidUserName),
        Description = "An e-mail address here may contain only letters, digits and the characters - . _ @ +",
    };
}
