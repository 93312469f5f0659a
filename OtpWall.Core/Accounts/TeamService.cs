using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OtpWall.Core.Data;

namespace OtpWall.Core.Accounts;

/// <summary>
/// What administrators do with the people on this instance: list them, disable and enable them, give password links,
/// and create or revoke invites. Every call is checked against the acting user's role, whatever page calls it.
/// </summary>
public sealed class TeamService(
    IDbContextFactory<OtpWallDbContext> databases, IServiceScopeFactory scopes, TimeProvider time, IOptions<RegistrationOptions> options)
{
    public async Task<IReadOnlyList<TeamMember>> ListMembersAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        var adminIds = await Administrators.Ids(db).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.CreatedAt).ToListAsync(cancellationToken);
        return [.. users.Select(u => new TeamMember(
            u.Id, u.Email ?? u.UserName ?? u.Id, adminIds.Contains(u.Id), u.IsDisabled, u.LockoutEnd > now, u.CreatedAt))];
    }

    /// <summary>Disables or re-enables a user. Disabling changes their security stamp, which ends their sessions.</summary>
    public async Task<string?> SetDisabledAsync(string actingUserId, string userId, bool disabled, CancellationToken cancellationToken = default)
    {
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        }
        if (userId == actingUserId) return "You cannot disable your own account.";

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return "That user no longer exists.";
        user.IsDisabled = disabled;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded) return string.Join(" ", updated.Errors.Select(e => e.Description));
        if (disabled) await users.UpdateSecurityStampAsync(user);
        return null;
    }

    /// <summary>
    /// A link that lets one user choose a new password (they forgot theirs; there is no e-mail here). It works once
    /// and for a day; using it also lifts a lockout. The administrator passes it on like an invite.
    /// </summary>
    public async Task<string?> CreatePasswordResetCodeAsync(string actingUserId, string userId, CancellationToken cancellationToken = default)
    {
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return null;
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
    }

    /// <summary>Sets a new password with a code from <see cref="CreatePasswordResetCodeAsync"/>; returns what went wrong, if anything.</summary>
    public async Task<IReadOnlyList<string>> ResetPasswordAsync(string userId, string code, string newPassword)
    {
        const string Invalid = "This password link is not valid any more: it was used already or it expired. Ask an administrator for a new one.";
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return [Invalid];
        string token;
        try
        {
            token = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(code));
        }
        catch (FormatException)
        {
            return [Invalid];
        }
        var result = await users.ResetPasswordAsync(user, token, newPassword);
        if (!result.Succeeded)
            return [.. result.Errors.Select(e => e.Code == "InvalidToken" ? Invalid : e.Description)];
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        return [];
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
        await db.Invites.Where(i => i.Id == inviteId && i.UsedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now), cancellationToken);
    }
}
