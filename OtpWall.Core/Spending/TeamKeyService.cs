using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Accounts;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Spending;

/// <summary>The team key as an administrator sees it: never the key, only its last four characters.</summary>
public sealed record TeamKeyStatus(StoredKeyState State, string? LastFour, DateTimeOffset? SavedAt, int OpenActivations);

/// <summary>
/// What administrators do with the team's OTPWALL account: save, replace or remove the team key, decide per member
/// which keys they buy with and their team-key limits, and set the low-balance warning. Every call checks the role first.
/// </summary>
public sealed class TeamKeyService(
    IDbContextFactory<OtpWallDbContext> databases, TeamKeyVault vault, OtpWallClientFactory clients, WalletService wallet, AuditLog audit, ChangeBus bus)
{
    public async Task<TeamKeyStatus> GetStatusAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await EnsureAdministratorAsync(actingUserId, cancellationToken);
        var stored = await vault.GetAsync(cancellationToken);
        return new TeamKeyStatus(stored.State, stored.LastFour, stored.SavedAt, await vault.OpenActivationsOfCurrentKeyAsync(cancellationToken));
    }

    /// <summary>Checks the key like a personal one (a refused key is not saved; an unreachable OTPWALL does not stop it) and saves it.</summary>
    public async Task<KeySaveResult> SaveAsync(string actingUserId, string? typed, CancellationToken cancellationToken = default)
    {
        await EnsureAdministratorAsync(actingUserId, cancellationToken);
        if (!OtpWallApiKey.TryParse(typed, out var key)) return new KeySaveResult(false, null, ApiKeyService.FormatMessage);
        var check = await ApiKeyService.CheckAsync(clients, key, cancellationToken);
        if (check.Outcome == KeyCheckOutcome.Refused)
            return new KeySaveResult(false, check,
                "OTPWALL refused this key, so it was not saved. Check that you copied all of it, or generate a new one in OTPWALL.");
        var previous = await vault.GetAsync(cancellationToken);
        await vault.SaveAsync(key, cancellationToken);
        await audit.RecordAsync(previous.State == StoredKeyState.Missing ? AuditActions.TeamKeySaved : AuditActions.TeamKeyReplaced, actingUserId,
            previous.State == StoredKeyState.Missing
                ? $"Saved the team key ending {key.LastFour}."
                : $"Replaced the team key{(previous.LastFour is { } old ? $" ending {old}" : "")} with one ending {key.LastFour}.",
            cancellationToken: cancellationToken);
        if (check.Balance is { } balance) wallet.Record(TeamKeyVault.Account, balance);
        else wallet.Forget(TeamKeyVault.Account);
        return new KeySaveResult(true, check, check.Outcome == KeyCheckOutcome.Works
            ? $"Team key saved. It works: the team balance is {check.Balance}."
            : "Team key saved, but it could not be checked: " + check.Message);
    }

    public async Task<bool> RemoveAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await EnsureAdministratorAsync(actingUserId, cancellationToken);
        var previous = await vault.GetAsync(cancellationToken);
        var removed = await vault.RemoveAsync(cancellationToken);
        wallet.Forget(TeamKeyVault.Account);
        if (removed)
            await audit.RecordAsync(AuditActions.TeamKeyRemoved, actingUserId,
                $"Removed the team key{(previous.LastFour is { } old ? $" ending {old}" : "")}.", cancellationToken: cancellationToken);
        return removed;
    }

    /// <summary>Every member's key mode and limits (members without a row buy with their own key, without limits).</summary>
    public async Task<IReadOnlyDictionary<string, MemberSpending>> ListPoliciesAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        return await db.MemberSpending.AsNoTracking().ToDictionaryAsync(s => s.UserId, cancellationToken);
    }

    public async Task<Refusal?> SetKeyModeAsync(string actingUserId, string userId, KeyMode mode, CancellationToken cancellationToken = default)
    {
        var problem = await UpdateAsync(actingUserId, userId, s => s.KeyMode = mode, cancellationToken);
        if (problem is null)
            await audit.RecordAsync(AuditActions.KeyModeChanged, actingUserId, mode switch
            {
                KeyMode.Team => "Set the member to buy with the team key.",
                KeyMode.Both => "Set the member to buy with their own key or the team key.",
                _ => "Set the member to buy with their own key.",
            }, userId, cancellationToken);
        return problem;
    }

    /// <summary>Sets a member's limits as typed (empty: no limit); returns what is wrong with the text, or null when saved.</summary>
    public async Task<Refusal?> SetLimitsAsync(string actingUserId, string userId, string? daily, string? monthly, CancellationToken cancellationToken = default)
    {
        if (!TryParseAmount(daily, out var day)) return new Refusal("The daily limit " + Amounts.Refusal(daily));
        if (!TryParseAmount(monthly, out var month)) return new Refusal("The monthly limit " + Amounts.Refusal(monthly, "50 or 20.00"));
        if (day is { } d && month is { } m && d > m) return new Refusal("The daily limit cannot be above the monthly limit.");
        var problem = await UpdateAsync(actingUserId, userId, s => (s.DailyLimit, s.MonthlyLimit) = (day, month), cancellationToken);
        if (problem is null)
            await audit.RecordAsync(AuditActions.BudgetChanged, actingUserId,
                $"Set the member's team-key limits to {LimitWords(day)} a day and {LimitWords(month)} a month.", userId, cancellationToken);
        return problem;
    }

    /// <summary>Lets a member buy above the team's default price ceilings, or not.</summary>
    public async Task<Refusal?> SetMayRaiseCeilingsAsync(string actingUserId, string userId, bool mayRaise, CancellationToken cancellationToken = default)
    {
        var problem = await UpdateAsync(actingUserId, userId, s => s.MayRaiseCeilings = mayRaise, cancellationToken);
        if (problem is null)
            await audit.RecordAsync(AuditActions.PriceCeilingChanged, actingUserId,
                mayRaise ? "Let the member buy above the team's price ceilings." : "Held the member to the team's price ceilings.", userId, cancellationToken);
        return problem;
    }

    /// <summary>Reads an amount a person typed (see <see cref="Amounts.TryParse"/>).</summary>
    public static bool TryParseAmount(string? typed, out decimal? amount) => Amounts.TryParse(typed, out amount);

    private static string LimitWords(decimal? limit) => limit is { } l ? Amounts.Field(l) : "none";

    private async Task<Refusal?> UpdateAsync(string actingUserId, string userId, Action<MemberSpending> change, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken)) return new Refusal("That user no longer exists.");
        var spending = await db.MemberSpending.FindAsync([userId], cancellationToken);
        if (spending is null) db.MemberSpending.Add(spending = new MemberSpending { UserId = userId });
        change(spending);
        await db.SaveChangesAsync(cancellationToken);
        bus.Publish(new MemberPolicyChanged(userId));
        return null;
    }

    private async Task EnsureAdministratorAsync(string actingUserId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
    }
}
