using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;

namespace OtpWall.Dashboard.Components.Account.SingleSignOn;

/// <summary>
/// What the provider's answer means here. A linked account signs in (its administrator role following the provider's
/// group); someone new joins with an invite or a verified e-mail of an allowed domain; an existing account is never
/// taken over by an e-mail address alone (the person links from Account &amp; security, signed in), except a verified
/// address of an allowed domain, which the configuration trusts the provider for.
/// </summary>
internal sealed class ProviderSignIn(
    SignInManager<ApplicationUser> signIn,
    RegistrationService registration,
    ProviderRefreshTokens refreshTokens,
    AuditLog audit,
    IOptions<SsoOptions> options)
{
    private UserManager<ApplicationUser> Users => signIn.UserManager;

    private SsoOptions Sso => options.Value;

    /// <summary>Signs the person the provider vouched for in; answers where to go next (with a status message when refused).</summary>
    public async Task<string> CompleteSignInAsync(HttpContext context, string returnUrl)
    {
        var info = await signIn.GetExternalLoginInfoAsync();
        await context.SignOutAsync(IdentityConstants.ExternalScheme);
        if (info is null) return Refuse(context, $"Signing in with {Sso.DisplayName} did not work. Try again.");

        var email = info.Principal.FindFirstValue("email")?.Trim();
        var verified = string.Equals(info.Principal.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);
        var user = await Users.FindByLoginAsync(info.LoginProvider, info.ProviderKey);
        if (user is null)
        {
            if (string.IsNullOrEmpty(email))
                return Refuse(context, $"{Sso.DisplayName} did not say which e-mail address you have. Ask your administrator to add the email scope.");
            if (await Users.FindByEmailAsync(email) is { } existing)
            {
                if (!(verified && Sso.IsAllowedDomain(email)))
                    return Refuse(context, $"An account with the e-mail address {email} already exists here. Sign in with its password, then link " +
                        $"{Sso.DisplayName} under Account & security › Single sign-on.");
                var linked = await Users.AddLoginAsync(existing, Login(info));
                if (!linked.Succeeded) return Refuse(context, $"Your {Sso.DisplayName} account could not be linked to {email}.");
                await audit.RecordAsync(AuditActions.ProviderLinked, existing.Id,
                    $"Linked to {Sso.DisplayName} at the first sign-in through it (a verified address of an allowed domain).");
                user = existing;
            }
            else
            {
                string? invite = null;
                info.AuthenticationProperties?.Items.TryGetValue(SingleSignOn.InviteItem, out invite);
                var joined = await registration.RegisterWithProviderAsync(email, invite, verified && Sso.IsAllowedDomain(email), Login(info), context.RequestAborted);
                if (!joined.Succeeded)
                    return Refuse(context, Sso.DomainList.Count > 0 && !Sso.IsAllowedDomain(email)
                        ? $"{email} is not of a domain that may join without an invite. {string.Join(" ", joined.Errors)}"
                        : string.Join(" ", joined.Errors));
                user = joined.User!;
            }
        }

        // Read again here: an account made by the registration (its own unit of work) is updated through this one.
        user = await Users.FindByIdAsync(user.Id) ?? user;
        await FollowAdminGroupAsync(user, info.Principal);
        var result = await signIn.ExternalLoginSignInAsync(info.LoginProvider, info.ProviderKey, isPersistent: false, bypassTwoFactor: true);
        if (result.IsNotAllowed) return Refuse(context, "Error: This account has been disabled by an administrator.");
        if (result.IsLockedOut) return Refuse(context, "Error: This account is locked out for now. Try again later.");
        if (!result.Succeeded) return Refuse(context, $"Signing in with {Sso.DisplayName} did not work. Try again.");
        await refreshTokens.KeepAsync(user.Id, info.AuthenticationTokens);
        return returnUrl;
    }

    /// <summary>Links the signed-in person's account to the provider account they just signed in with.</summary>
    public async Task<string> CompleteLinkAsync(HttpContext context)
    {
        const string Page = "~/account/sso";
        var user = await Users.GetUserAsync(context.User);
        if (user is null) return "~/Account/Login";
        var info = await signIn.GetExternalLoginInfoAsync(user.Id);
        await context.SignOutAsync(IdentityConstants.ExternalScheme);
        if (info is null) return Status(context, Page, $"Error: Linking {Sso.DisplayName} did not work. Try again.");
        if (await Users.FindByLoginAsync(info.LoginProvider, info.ProviderKey) is { } holder)
            return Status(context, Page, holder.Id == user.Id
                ? $"Your account is already linked to this {Sso.DisplayName} account."
                : $"Error: That {Sso.DisplayName} account is linked to another person here.");
        if ((await Users.GetLoginsAsync(user)).Any(l => l.LoginProvider == SsoOptions.Scheme))
            return Status(context, Page, $"Error: Your account is already linked to a {Sso.DisplayName} account. Unlink it first.");
        var linked = await Users.AddLoginAsync(user, Login(info));
        if (!linked.Succeeded) return Status(context, Page, $"Error: Linking {Sso.DisplayName} did not work. Try again.");
        await refreshTokens.KeepAsync(user.Id, info.AuthenticationTokens);
        var email = info.Principal.FindFirstValue("email");
        await audit.RecordAsync(AuditActions.ProviderLinked, user.Id, $"Linked to {Sso.DisplayName}{(email is null ? "" : $" ({email})")}.");
        return Status(context, Page, $"Linked: you can now sign in with {Sso.DisplayName}.");
    }

    /// <summary>Unlinks the person's provider account, as long as a password remains to sign in with.</summary>
    public async Task<string?> UnlinkAsync(ApplicationUser user)
    {
        if (!await Users.HasPasswordAsync(user))
            return $"Your account has no password: {Sso.DisplayName} is the only way to sign in to it, so it stays linked.";
        if (!Sso.AllowsPasswordSignIn(user.Email))
            return $"This dashboard signs people in only through {Sso.DisplayName}, so your account stays linked.";
        var login = (await Users.GetLoginsAsync(user)).FirstOrDefault(l => l.LoginProvider == SsoOptions.Scheme);
        if (login is null) return null;
        var removed = await Users.RemoveLoginAsync(user, login.LoginProvider, login.ProviderKey);
        if (!removed.Succeeded) return "Unlinking did not work. Try again.";
        await refreshTokens.ForgetAsync(user.Id);
        await audit.RecordAsync(AuditActions.ProviderUnlinked, user.Id, $"Unlinked {Sso.DisplayName}: signs in with a password only.");
        return null;
    }

    // Membership of the administrators' group at the provider decides the role at each sign-in (when a group is set).
    private async Task FollowAdminGroupAsync(ApplicationUser user, ClaimsPrincipal provider)
    {
        if (string.IsNullOrWhiteSpace(Sso.AdminGroup)) return;
        var inGroup = provider.FindAll(Sso.GroupsClaim).Any(g => string.Equals(g.Value, Sso.AdminGroup, StringComparison.Ordinal));
        var isAdministrator = await Users.IsInRoleAsync(user, TeamRoles.Administrator);
        if (inGroup == isAdministrator) return;
        // The break-glass administrator stays one whatever the provider says: the way in when the provider is wrong or down.
        if (!inGroup && Sso.Only && !string.IsNullOrEmpty(Sso.BreakGlassEmail) && Sso.AllowsPasswordSignIn(user.Email)) return;
        var changed = inGroup ? await Users.AddToRoleAsync(user, TeamRoles.Administrator) : await Users.RemoveFromRoleAsync(user, TeamRoles.Administrator);
        if (!changed.Succeeded) return;
        await audit.RecordAsync(AuditActions.RoleChanged, null, inGroup
            ? $"Made an administrator: a member of {Sso.DisplayName}'s group \"{Sso.AdminGroup}\"."
            : $"Made a member (no longer an administrator): not in {Sso.DisplayName}'s group \"{Sso.AdminGroup}\" any more.", user.Id);
    }

    private UserLoginInfo Login(ExternalLoginInfo info) => new(info.LoginProvider, info.ProviderKey, Sso.DisplayName);

    private static string Refuse(HttpContext context, string message) =>
        Status(context, "~/Account/Login", message.StartsWith("Error:", StringComparison.Ordinal) ? message : "Error: " + message);

    private static string Status(HttpContext context, string target, string message)
    {
        IdentityRedirectManager.AppendStatus(context, message);
        return target;
    }
}
