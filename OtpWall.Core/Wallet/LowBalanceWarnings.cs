using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Wallet;

/// <summary>
/// The balances under which people are warned: each person's own (their app bar turns into a warning), kept with their
/// other choices, and the team's (everyone who buys with the team key sees a banner), set by an administrator.
/// </summary>
public sealed class LowBalanceWarnings(IDbContextFactory<OtpWallDbContext> databases, ChangeBus bus, AuditLog audit)
{
    /// <summary>The balance under which this person is warned; null: none.</summary>
    public async Task<decimal?> ForPersonAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.ActivationPreferences.AsNoTracking().Where(p => p.UserId == userId).Select(p => p.LowBalanceThreshold).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Sets (or, empty, clears) the person's warning from what they typed; their open tabs follow on every replica.</summary>
    public async Task<Refusal?> SetForPersonAsync(string userId, string? typed, CancellationToken cancellationToken = default)
    {
        if (!Amounts.TryParse(typed, out var threshold)) return new Refusal(Amounts.Refusal(typed));
        await Activations.BuyPreferences.UpdateRowAsync(databases, bus, userId, p => p.LowBalanceThreshold = threshold, cancellationToken);
        return null;
    }

    /// <summary>The team balance below which members who buy with the team key are warned; null: none.</summary>
    public async Task<decimal?> ForTeamAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.SingletonId)
            .Select(s => s.TeamLowBalanceThreshold).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>An administrator sets (or, empty, clears) the team's warning from what they typed; audited.</summary>
    public async Task<Refusal?> SetForTeamAsync(string actingUserId, string? typed, CancellationToken cancellationToken = default)
    {
        if (!Amounts.TryParse(typed, out var threshold)) return new Refusal(Amounts.Refusal(typed));
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        await db.InstanceSettings.ExecuteUpdateAsync(s => s.SetProperty(i => i.TeamLowBalanceThreshold, threshold), cancellationToken);
        await audit.RecordAsync(AuditActions.LowBalanceThresholdChanged, actingUserId,
            threshold is { } t ? $"Set the team's low-balance warning to {Amounts.Field(t)}." : "Turned the team's low-balance warning off.",
            cancellationToken: cancellationToken);
        return null;
    }
}
