using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;

namespace OtpWall.Core.Accounts;

/// <summary>
/// What administrators do with the people on this instance: list them, disable and enable them, give password links,
/// and create or revoke invites. Every call is checked against the acting user's role, whatever page calls it.
/// </summary>
public sealed class TeamService(
    IDbContextFactory<OtpWallDbContext> databases, IServiceScopeFactory scopes, TimeProvider time, IOptions<RegistrationOptions> options,
    AuditLog audit, SessionRegistry sessions, ApiTokens.ApiTokenService tokens)
{
    /// <summary>Whether the person holds the administrator role now (the database's word, not a cookie's).</summary>
    public async Task<bool> IsAdministratorAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await Administrators.Ids(db).ContainsAsync(userId, cancellationToken);
    }

    public async Task<IReadOnlyList<TeamMember>> ListMembersAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        var adminIds = await Administrators.Ids(db).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.CreatedAt).ToListAsync(cancellationToken);
        return [.. users.Select(u => new TeamMember(
            u.Id, u.Email ?? u.UserName ?? u.Id, adminIds.Contains(u.Id), u.IsDisabled, u.LockoutEnd > now, u.CreatedAt, u.LastSignInAt))];
    }

    /// <summary>Disables or re-enables a user. Disabling ends every session of theirs at once (and changes their security stamp).</summary>
    public async Task<Refusal?> SetDisabledAsync(string actingUserId, string userId, bool disabled, CancellationToken cancellationToken = default)
    {
        await EnsureAdministratorAsync(actingUserId, cancellationToken);
        if (userId == actingUserId) return new Refusal("You cannot disable your own account.");

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return new Refusal("That user no longer exists.");
        user.IsDisabled = disabled;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded) return Refusal.FromErrors(updated.Errors.Select(e => e.Description));
        if (disabled)
        {
            await users.UpdateSecurityStampAsync(user);
            await sessions.EndAllAsync(userId, "account disabled", cancellationToken: cancellationToken);
            await tokens.EndAllAsync(userId, "the account was disabled", CancellationToken.None);
        }
        await audit.RecordAsync(disabled ? AuditActions.MemberDisabled : AuditActions.MemberEnabled, actingUserId,
            disabled ? "Disabled the account; its sessions and API tokens ended." : "Enabled the account again.", userId, cancellationToken);
        if (disabled) await scope.ServiceProvider.GetRequiredService<Notifications.Alerts>().MemberDisabledAsync(actingUserId, user.Email ?? user.Id);
        return null;
    }

    /// <summary>
    /// Makes a person an administrator or a member. Nobody changes their own role, so the administrator acting always
    /// remains one and an instance never loses its last administrator this way.
    /// </summary>
    public async Task<Refusal?> SetAdministratorAsync(string actingUserId, string userId, bool administrator, CancellationToken cancellationToken = default)
    {
        await EnsureAdministratorAsync(actingUserId, cancellationToken);
        if (userId == actingUserId) return new Refusal("You cannot change your own role; ask another administrator.");
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return new Refusal("That user no longer exists.");
        var isAdministrator = await users.IsInRoleAsync(user, TeamRoles.Administrator);
        if (isAdministrator == administrator) return null;
        var changed = administrator ? await users.AddToRoleAsync(user, TeamRoles.Administrator) : await users.RemoveFromRoleAsync(user, TeamRoles.Administrator);
        if (!changed.Succeeded) return Refusal.FromErrors(changed.Errors.Select(e => e.Description));
        // Every administration call checks the role in the database, so it holds at once; the cookie's copy of the role
        // (what the menu shows) is renewed at its next check, within a minute.
        await audit.RecordAsync(AuditActions.RoleChanged, actingUserId,
            administrator ? "Made the person an administrator." : "Made the person a member (no longer an administrator).", userId, cancellationToken);
        return null;
    }

    /// <summary>
    /// A link that lets one user choose a new password (they forgot theirs; there is no e-mail here). It works once
    /// and for a day; using it also lifts a lockout. The administrator passes it on like an invite.
    /// </summary>
    public async Task<Outcome<string>> CreatePasswordResetCodeAsync(string actingUserId, string userId, CancellationToken cancellationToken = default)
    {
        await EnsureAdministratorAsync(actingUserId, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return Outcome.Refused<string>("That user no longer exists.");
        var code = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
        await audit.RecordAsync(AuditActions.PasswordLinkCreated, actingUserId, "Created a password link for the account.", userId, cancellationToken);
        return Outcome.Done(code);
    }

    /// <summary>Sets a new password with a code from <see cref="CreatePasswordResetCodeAsync"/>; refused with what went wrong.</summary>
    public async Task<Refusal?> ResetPasswordAsync(string userId, string code, string newPassword)
    {
        const string Invalid = "This password link is not valid any more: it was used already or it expired. Ask an administrator for a new one.";
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return new Refusal(Invalid);
        string token;
        try
        {
            token = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(code));
        }
        catch (FormatException)
        {
            return new Refusal(Invalid);
        }
        var result = await users.ResetPasswordAsync(user, token, newPassword);
        if (!result.Succeeded)
            return Refusal.FromErrors(result.Errors.Select(e => e.Code == "InvalidToken" ? Invalid : e.Description));
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await sessions.EndAllAsync(userId, "password reset");
        await tokens.EndAllAsync(userId, "the password was reset with a password link");
        await audit.RecordAsync(AuditActions.PasswordReset, userId, "Chose a new password with a password link; every session and API token ended.");
        return null;
    }

    public async Task<CreatedInvite> CreateInviteAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var invite = new Invite
        {
            Id = Guid.NewGuid(),
            TokenHash = Invite.HashToken(token),
            CreatedByUserId = actingUserId,
            CreatedAt = now,
            ExpiresAt = now + options.Value.InviteLifetime,
        };
        db.Invites.Add(invite);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.InviteCreated, actingUserId,
            $"Created an invite link that expires {invite.ExpiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)}.",
            cancellationToken: cancellationToken);
        return new CreatedInvite(invite.Id, token, invite.ExpiresAt);
    }

    public async Task<IReadOnlyList<InviteSummary>> ListInvitesAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        var invites = await db.Invites.AsNoTracking().OrderByDescending(i => i.CreatedAt).Take(50).ToListAsync(cancellationToken);
        var userIds = invites.Select(i => i.UsedByUserId).OfType<string>().ToList();
        var emails = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        return [.. invites.Select(i => new InviteSummary(
            i.Id, i.CreatedAt, i.ExpiresAt, i.UsedAt, i.UsedByUserId is { } id ? emails.GetValueOrDefault(id) : null, i.RevokedAt is not null))];
    }

    public async Task RevokeInviteAsync(string actingUserId, Guid inviteId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        var now = time.GetUtcNow();
        var revoked = await db.Invites.Where(i => i.Id == inviteId && i.UsedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now), cancellationToken);
        if (revoked > 0) await audit.RecordAsync(AuditActions.InviteRevoked, actingUserId, "Revoked an invite link before it was used.", cancellationToken: cancellationToken);
    }

    private async Task EnsureAdministratorAsync(string actingUserId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
    }
}
