using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Accounts;

/// <summary>Whether someone may register now, and as what.</summary>
public sealed record RegistrationDecision(bool Allowed, bool BecomesAdministrator, Refusal? Refusal);

/// <summary>The result of a registration: the new user, or why it was refused.</summary>
public sealed record RegistrationResult(ApplicationUser? User, Refusal? Refusal)
{
    public bool Succeeded => User is not null;

    /// <summary>Each reason it was refused (none when it succeeded).</summary>
    public IReadOnlyList<string> Errors => Refusal?.Reasons ?? [];
}

/// <summary>
/// Who may join this instance: the first account becomes administrator; after that the registration policy
/// (invite-only by default, open or closed) decides, and an invite link works once.
/// </summary>
public sealed class RegistrationService(
    IDbContextFactory<OtpWallDbContext> databases, IServiceScopeFactory scopes, TimeProvider time, IOptions<RegistrationOptions> options, AuditLog audit,
    DatabaseGates gates, ChangeBus bus)
{
    // One registration at a time, on every replica (a database lock with PostgreSQL): "am I the first user?" and "claim
    // this invite" are atomic, so the first account becomes administrator exactly once and an invite works once.
    private const string RegistrationGate = "registration";

    public async Task<RegistrationDecision> DecideAsync(string? inviteToken, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (!await db.Users.AnyAsync(cancellationToken)) return new RegistrationDecision(true, true, null);

        return await GetPolicyAsync(db, cancellationToken) switch
        {
            RegistrationPolicy.Open => new RegistrationDecision(true, false, null),
            RegistrationPolicy.Closed => new RegistrationDecision(false, false,
                new("Registration on this dashboard is closed. Ask an administrator if you need an account.")),
            _ when string.IsNullOrWhiteSpace(inviteToken) => new RegistrationDecision(false, false,
                new("Registration is by invitation only. Ask an administrator for an invite link.")),
            _ when await FindUsableInviteAsync(db, inviteToken, cancellationToken) is null => new RegistrationDecision(false, false,
                new("This invite link has expired or has already been used. Ask an administrator for a new one.")),
            _ => new RegistrationDecision(true, false, null),
        };
    }

    public async Task<RegistrationResult> RegisterAsync(string email, string password, string? inviteToken, CancellationToken cancellationToken = default)
    {
        await using var gate = await gates.EnterAsync(RegistrationGate, TimeSpan.FromSeconds(30), cancellationToken);
        if (gate is null) return new RegistrationResult(null, new Refusal("The dashboard is busy registering other people. Try again in a minute."));

        var decision = await DecideAsync(inviteToken, cancellationToken);
        if (!decision.Allowed) return new RegistrationResult(null, decision.Refusal);

        return await CreateAsync(email, decision, inviteToken, (users, user) => users.CreateAsync(user, password), "Registered", cancellationToken);
    }

    /// <summary>
    /// Someone the team's identity provider vouches for joins without a password: with an invite (or as the first
    /// account) as anyone else, or, when <paramref name="verifiedAllowedDomain"/> (a verified e-mail of a domain the
    /// configuration lets in), as a member without one, unless registration is closed. The account is linked to
    /// <paramref name="login"/> in the same step.
    /// </summary>
    public async Task<RegistrationResult> RegisterWithProviderAsync(
        string email, string? inviteToken, bool verifiedAllowedDomain, UserLoginInfo login, CancellationToken cancellationToken = default)
    {
        await using var gate = await gates.EnterAsync(RegistrationGate, TimeSpan.FromSeconds(30), cancellationToken);
        if (gate is null) return new RegistrationResult(null, new Refusal("The dashboard is busy registering other people. Try again in a minute."));

        var decision = await DecideAsync(inviteToken, cancellationToken);
        if (!decision.Allowed && verifiedAllowedDomain && await GetPolicyAsync(cancellationToken) != RegistrationPolicy.Closed)
            decision = new RegistrationDecision(true, false, null);
        if (!decision.Allowed) return new RegistrationResult(null, decision.Refusal);

        var how = $"Registered through {login.ProviderDisplayName ?? login.LoginProvider}";
        if (string.IsNullOrWhiteSpace(inviteToken) && !decision.BecomesAdministrator) how += " (an e-mail address of an allowed domain)";
        return await CreateAsync(email, decision, inviteToken, async (users, user) =>
        {
            var created = await users.CreateAsync(user);
            if (!created.Succeeded) return created;
            var linked = await users.AddLoginAsync(user, login);
            if (!linked.Succeeded) await users.DeleteAsync(user);
            return linked;
        }, how, cancellationToken);
    }

    private async Task<RegistrationResult> CreateAsync(
        string email, RegistrationDecision decision, string? inviteToken, Func<UserManager<ApplicationUser>, ApplicationUser, Task<IdentityResult>> create,
        string how, CancellationToken cancellationToken)
    {
        var user = new ApplicationUser { UserName = email, Email = email, CreatedAt = time.GetUtcNow() };
        var invite = await ClaimInviteAsync(decision, inviteToken, user.Id, cancellationToken);

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var created = await create(users, user);
        if (!created.Succeeded)
        {
            if (invite is { } claimed) await ReleaseInviteAsync(claimed, user.Id, cancellationToken);
            return new RegistrationResult(null, Refusal.FromErrors(created.Errors.Select(e => e.Description)) ?? new Refusal("The account could not be created."));
        }

        if (decision.BecomesAdministrator)
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            if (!await roles.RoleExistsAsync(TeamRoles.Administrator)) await roles.CreateAsync(new IdentityRole(TeamRoles.Administrator));
            await users.AddToRoleAsync(user, TeamRoles.Administrator);
        }
        await audit.RecordAsync(AuditActions.Registered, user.Id,
            decision.BecomesAdministrator ? $"{how} as the first account, so as administrator." : $"{how}.", cancellationToken: cancellationToken);
        if (invite is not null) await audit.RecordAsync(AuditActions.InviteUsed, user.Id, "Joined with an invite link.", cancellationToken: cancellationToken);
        bus.Publish(new MemberRegistered(user.Id));
        return new RegistrationResult(user, null);
    }

    public async Task<RegistrationPolicy> GetPolicyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await GetPolicyAsync(db, cancellationToken);
    }

    public async Task SetPolicyAsync(string actingUserId, RegistrationPolicy policy, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        await db.InstanceSettings.Where(s => s.Id == InstanceSettings.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RegistrationPolicy, policy), cancellationToken);
        await audit.RecordAsync(AuditActions.RegistrationPolicyChanged, actingUserId, policy switch
        {
            RegistrationPolicy.Open => "Opened registration to anyone who can reach the dashboard.",
            RegistrationPolicy.Closed => "Closed registration to everybody.",
            _ => "Set registration to invited people only.",
        }, cancellationToken: cancellationToken);
    }

    private async Task<RegistrationPolicy> GetPolicyAsync(OtpWallDbContext db, CancellationToken cancellationToken) =>
        await db.InstanceSettings.Where(s => s.Id == InstanceSettings.SingletonId).Select(s => s.RegistrationPolicy)
            .SingleOrDefaultAsync(cancellationToken) ?? options.Value.DefaultPolicy;

    private async Task<Invite?> FindUsableInviteAsync(OtpWallDbContext db, string token, CancellationToken cancellationToken)
    {
        var hash = Invite.HashToken(token);
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
}
