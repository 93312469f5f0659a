using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OtpWall.Core.Accounts;

namespace OtpWall.Dashboard.Components.Account;

/// <summary>
/// Signs in as Identity does, except that an e-mail with no account costs the same password hashing as one with an
/// account: otherwise the answer comes back ten times sooner and tells anyone who asks which e-mails are registered.
/// </summary>
public sealed class EvenTimingSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    // A hash made by this server's own hasher, so checking against it takes exactly as long as checking a real one. Made
    // once per process (a sign-in manager lives for one request, and making a hash costs as much as checking one).
    private static (ApplicationUser User, string Hash)? s_stand;

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (await UserManager.FindByNameAsync(userName) is { } user) return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        var (stand, hash) = s_stand ??= MakeStand(UserManager.PasswordHasher);
        UserManager.PasswordHasher.VerifyHashedPassword(stand, hash, password ?? "");
        return SignInResult.Failed;
    }

    private static (ApplicationUser, string) MakeStand(IPasswordHasher<ApplicationUser> hasher)
    {
        var user = new ApplicationUser { Id = "no-such-user", UserName = "no-such-user" };
        return (user, hasher.HashPassword(user, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));
    }
}
