using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;

namespace OtpWall.Dashboard.Components.Account;

/// <summary>
/// Signs in as Identity does, with three additions. An e-mail with no account costs the same password hashing as one
/// with an account (otherwise the answer comes back ten times sooner and tells anyone who asks which e-mails are
/// registered). Every sign-in opens a session whose id the cookie carries (<see cref="SessionRegistry"/>), and signing
/// out ends it. Sign-ins, failures and lockouts go to the audit log.
/// </summary>
public sealed class EvenTimingSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    SessionRegistry sessions,
    OtpWall.Core.ApiTokens.ApiTokenService tokens,
    AuditLog audit,
    OtpWall.Core.Diagnostics.OtpWallMetrics metrics,
    IOptions<PasswordHasherOptions> hashing,
    IOptions<SingleSignOn.SsoOptions> sso,
    TimeProvider time)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    // A hash made by this server's own hasher, so checking against it takes exactly as long as checking a real one. Made
    // once per hashing setup, i.e. per server (a sign-in manager and its hasher live for one request, and making a hash
    // costs as much as checking one).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PasswordHasherOptions, Tuple<ApplicationUser, string>> s_stands = new();

    // Set while a refresh re-issues the cookie (after a password or two-factor change): the session stays the same.
    private bool _refreshing;

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (await UserManager.FindByNameAsync(userName) is { } user) return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        var (stand, hash) = s_stands.GetValue(hashing.Value, _ => MakeStand(UserManager.PasswordHasher));
        UserManager.PasswordHasher.VerifyHashedPassword(stand, hash, password ?? "");
        // Never what was typed: it may be a password typed into the e-mail field.
        metrics.SignInFailed();
        await audit.RecordAsync(AuditActions.SignInFailed, null, "A sign-in failed: no account has the e-mail address typed.");
        return SignInResult.Failed;
    }

    public override async Task<SignInResult> PasswordSignInAsync(ApplicationUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (!sso.Value.AllowsPasswordSignIn(user.Email))
        {
            // Single sign-on only: the password is not even checked (the provider's rules are the only way in).
            metrics.SignInFailed();
            await audit.RecordAsync(AuditActions.SignInFailed, null, $"Password sign-in refused: this dashboard signs in through {sso.Value.DisplayName} only.", user.Id);
            return SignInResult.NotAllowed;
        }
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        await RecordFailureAsync(user, result, "wrong password");
        return result;
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
        if (user is not null) await RecordFailureAsync(user, result, "wrong authenticator code");
        return result;
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        if (user is not null) await RecordFailureAsync(user, result, "wrong recovery code");
        return result;
    }

    public override async Task SignInWithClaimsAsync(ApplicationUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var claims = additionalClaims.ToList();
        var current = Context.User;
        var kept = _refreshing && current.FindFirstValue(SessionRegistry.ClaimType) is { } sid &&
            UserManager.GetUserId(current) == user.Id && await sessions.IsOpenAsync(user.Id, sid) ? sid : null;
        var sessionId = kept ?? await sessions.StartAsync(user.Id, AuditClient.Address);
        claims.Add(new Claim(SessionRegistry.ClaimType, sessionId));
        await base.SignInWithClaimsAsync(user, authenticationProperties, claims);
        if (kept is null)
        {
            var how = claims.Any(c => c.Type == ClaimTypes.AuthenticationMethod && c.Value == SingleSignOn.SsoOptions.Scheme) ? $"through {sso.Value.DisplayName}"
                : claims.Any(c => c.Type == "amr" && c.Value == "mfa") ? "with password and a second factor"
                : claims.Any(c => c.Type == "amr" && c.Value == "pwd") ? "with password" : "right after registering";
            await audit.RecordAsync(AuditActions.SignIn, user.Id, $"Signed in {how}.");
        }
    }

    public override async Task RefreshSignInAsync(ApplicationUser user)
    {
        _refreshing = true;
        try
        {
            await base.RefreshSignInAsync(user);
        }
        finally
        {
            _refreshing = false;
        }
    }

    public override async Task SignOutAsync()
    {
        var principal = Context.User;
        if (UserManager.GetUserId(principal) is { } userId && principal.FindFirstValue(SessionRegistry.ClaimType) is { } sessionId)
        {
            await sessions.EndAsync(userId, sessionId, "signed out");
            await audit.RecordAsync(AuditActions.SignOut, userId, "Signed out.");
        }
        await base.SignOutAsync();
    }

    /// <summary>Ends every session of the signed-in person, this one included, and signs this browser out.</summary>
    public async Task SignOutEverywhereAsync(ApplicationUser user)
    {
        var ended = await sessions.EndAllAsync(user.Id, "signed out everywhere");
        await tokens.EndAllAsync(user.Id, "signed out everywhere");
        // A new stamp, too: a cookie from before sessions existed (or one copied elsewhere) stops at its next check.
        await UserManager.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(AuditActions.SignOutEverywhere, user.Id, $"Signed out everywhere: {ended} session{(ended == 1 ? "" : "s")} ended.");
        await base.SignOutAsync();
    }

    private async Task RecordFailureAsync(ApplicationUser user, SignInResult result, string what)
    {
        if (result.IsLockedOut)
        {
            metrics.LockedOut();
            var until = user.LockoutEnd is { } end && end > time.GetUtcNow() ? $" until {end.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "";
            await audit.RecordAsync(AuditActions.LockedOut, null, $"Sign-in refused with a {what}: the account is locked out{until}.", user.Id);
        }
        else if (result.IsNotAllowed)
        {
            metrics.SignInFailed();
            await audit.RecordAsync(AuditActions.SignInFailed, null, "Sign-in refused: the account is disabled.", user.Id);
        }
        else if (!result.Succeeded && !result.RequiresTwoFactor)
        {
            metrics.SignInFailed();
            await audit.RecordAsync(AuditActions.SignInFailed, null, $"A sign-in failed with a {what}.", user.Id);
        }
    }

    private static Tuple<ApplicationUser, string> MakeStand(IPasswordHasher<ApplicationUser> hasher)
    {
        var user = new ApplicationUser { Id = "no-such-user", UserName = "no-such-user" };
        return Tuple.Create(user, hasher.HashPassword(user, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));
    }
}
