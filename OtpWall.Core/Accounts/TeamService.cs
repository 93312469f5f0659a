using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OtpWall.Core.Data;

namespace OtpWall.Core.Accounts;

/// <summary>Whether someone may register now, and as what.</summary>
public sealed record RegistrationDecision(bool Allowed, bool BecomesAdministrator, string? Refusal);

/// <summary>The result of a registration: the new user, or what stopped it.</summary>
public sealed record RegistrationResult(ApplicationUser? User, IReadOnlyList<string> Errors)
{
    public bool Succeeded => User is not null;
}

/// <summary>
/// Who is on this instance and who may join: the first account becomes administrator; after that the
/// registration policy (invite-only by default, open or closed) decides. Administration calls are checked
/// against the acting user's role, whatever page calls them.
/// </summary>
public sealed class TeamService(
    IDbContextFactory<OtpWallDbContext> databases, IServiceScopeFactory scopes, TimeProvider time, IOptions<RegistrationOptions> options) : IDisposable
{
    // One instance serves the team, so one gate makes "am I the first user?" and "claim this invite" atomic.
    private readonly SemaphoreSlim _registrationGate = new(1, 1);

    public async Task<RegistrationDecision> DecideAsync(string? inviteToken, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (!await db.Users.AnyAsync(cancellationToken)) return new RegistrationDecision(true, true, null);

        return await GetPolicyAsync(db, cancellationToken) switch
        {
            RegistrationPolicy.Open => new RegistrationDecision(true, false, null),
            RegistrationPolicy.Closed => new RegistrationDecision(false, false,
                "Registration on this dashboard is closed. Ask an administrator if you need an account."),
            _ when string.IsNullOrWhiteSpace(inviteToken) => new RegistrationDecision(false, false,
                "Registration is by invitation only. Ask an administrator for an invite link."),
            _ when await FindUsableInviteAsync(db, inviteToken, cancellationToken) is null => new RegistrationDecision(false, false,
                "This invite link has expired or has already been used. Ask an administrator for a new one."),
            _ => new RegistrationDecision(true, false, null),
        };
    }

    public async Task<RegistrationResult> RegisterAsync(string email, string password, string? inviteToken, CancellationToken cancellationToken = default)
    {
        await _registrationGate.WaitAsync(cancellationToken);
        try
        {
            var decision = await DecideAsync(inviteToken, cancellationToken);
            if (!decision.Allowed) return new RegistrationResult(null, [decision.Refusal!]);

            var user = new ApplicationUser { UserName = email, Email = email, CreatedAt = time.GetUtcNow() };
            var invite = await ClaimInviteAsync(decision, inviteToken, user.Id, cancellationToken);

            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                if (invite is { } claimed) await ReleaseInviteAsync(claimed, user.Id, cancellationToken);
                return new RegistrationResult(null, [.. created.Errors.Select(e => e.Description)]);
            }

            if (decision.BecomesAdministrator)
            {
                var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
                if (!await roles.RoleExistsAsync(TeamRoles.Administrator)) await roles.CreateAsync(new IdentityRole(TeamRoles.Administrator));
                await users.AddToRoleAsync(user, TeamRoles.Administrator);
            }
            return new RegistrationResult(user, []);
        }
        finally
        {
            _registrationGate.Release();
        }
    }

    public async Task<RegistrationPolicy> GetPolicyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await GetPolicyAsync(db, cancellationToken);
    }

    public async Task SetPolicyAsync(string actingUserId, RegistrationPolicy policy, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await EnsureAdministratorAsync(db, actingUserId, cancellationToken);
        await db.InstanceSettings.Where(s => s.Id == InstanceSettings.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RegistrationPolicy, policy), cancellationToken);
    }

    public async Task<IReadOnlyList<TeamMember>> ListMembersAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await EnsureAdministratorAsync(db, actingUserId, cancellationToken);
        var adminIds = await AdministratorIds(db).ToListAsync(cancellationToken);
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
            await EnsureAdministratorAsync(db, actingUserId, cancellationToken);
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
            await EnsureAdministratorAsync(db, actingUserId, cancellationToken);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null) return null;
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
    }

    /// <summary>Sets a new password with a code from <see cref="CreatePasswordResetCodeAsync"/>; returns what went wrong, if anything.</summary>
    public async Task<IReadOnlyList<string>> ResetPasswordAsync(string userId, string code, string newPassword, CancellationToken cancellationToken = default)
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
        await EnsureAdministratorAsync(db, actingUserId, cancellationToken);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var invite = new Invite
        {
            Id = Guid.NewGuid(),
            TokenHash = Hash(token),
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
        await EnsureAdministratorAsync(db, actingUserId, cancellationToken);
        var invites = await db.Invites.AsNoTracking().OrderByDescending(i => i.CreatedAt).Take(50).ToListAsync(cancellationToken);
        var userIds = invites.Select(i => i.UsedByUserId).OfType<string>().ToList();
        var emails = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        return [.. invites.Select(i => new InviteSummary(
            i.Id, i.CreatedAt, i.ExpiresAt, i.UsedAt, i.UsedByUserId is { } id ? emails.GetValueOrDefault(id) : null, i.RevokedAt is not null))];
    }

    public async Task RevokeInviteAsync(string actingUserId, Guid inviteId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await EnsureAdministratorAsync(db, actingUserId, cancellationToken);
        var now = time.GetUtcNow();
        await db.Invites.Where(i => i.Id == inviteId && i.UsedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now), cancellationToken);
    }

    public void Dispose() => _registrationGate.Dispose();

    private async Task<RegistrationPolicy> GetPolicyAsync(OtpWallDbContext db, CancellationToken cancellationToken) =>
        await db.InstanceSettings.Where(s => s.Id == InstanceSettings.SingletonId).Select(s => s.RegistrationPolicy)
            .SingleOrDefaultAsync(cancellationToken) ?? options.Value.DefaultPolicy;

    private async Task<Invite?> FindUsableInviteAsync(OtpWallDbContext db, string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        var now = time.GetUtcNow();
        return await db.Invites.AsNoTracking()
            .SingleOrDefaultAsync(i => i.TokenHash == hash && i.UsedAt == null && i.RevokedAt == null && i.ExpiresAt > now, cancellationToken);
    }

    // Marks the invite used by this user only if it is still usable: a link never works twice.
    private async Task<Guid?> ClaimInviteAsync(RegistrationDecision decision, string? token, string userId, CancellationToken cancellationToken)
    {
        if (decision.BecomesAdministrator || string.IsNullOrWhiteSpace(token)) return null;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var invite = await FindUsableInviteAsync(db, token, cancellationToken);
        if (invite is null) return null;
        var now = time.GetUtcNow();
        var claimed = await db.Invites
            .Where(i => i.Id == invite.Id && i.UsedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now).SetProperty(i => i.UsedByUserId, userId), cancellationToken);
        return claimed == 1 ? invite.Id : null;
    }

    private async Task ReleaseInviteAsync(Guid inviteId, string userId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.Invites.Where(i => i.Id == inviteId && i.UsedByUserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, (DateTimeOffset?)null).SetProperty(i => i.UsedByUserId, (string?)null), cancellationToken);
    }

    private static IQueryable<string> AdministratorIds(OtpWallDbContext db) =>
        from userRole in db.UserRoles
        join role in db.Roles on userRole.RoleId equals role.Id
        where role.Name == TeamRoles.Administrator
        select userRole.UserId;

    private static async Task EnsureAdministratorAsync(OtpWallDbContext db, string actingUserId, CancellationToken cancellationToken)
    {
        if (!await AdministratorIds(db).ContainsAsync(actingUserId, cancellationToken))
            throw new UnauthorizedAccessException("Only an administrator can do this.");
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim())));
}
