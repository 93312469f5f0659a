using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OtpWall.Core.Accounts;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;
using OtpWall.Core.Spending;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Notifications;

/// <summary>An alert raised once until it clears (a low balance stays low for hours: one message, not one per read).</summary>
public sealed class RaisedAlert
{
    public required string Key { get; set; }

    public DateTimeOffset RaisedAt { get; set; }
}

/// <summary>Something changed that is not an activation: a person's wallet went below their warning, and the like.</summary>
public sealed record AdministratorsAlerted(string Event, string Text);

/// <summary>
/// The alerts beyond codes, each raised once (a row per raised alert, so two replicas never both send it) and cleared
/// when it no longer holds: a person's balance below their warning; a team-key member's budget 80 % used; for
/// administrators, the team balance below its warning, a member disabled, and the poller's lease lost. They go where
/// each person chose on their Notifications page, through the same outbox as codes.
/// </summary>
public sealed partial class Alerts : IActivationEffect, IDisposable
{
    public const decimal BudgetShare = 0.8m;
    private readonly IDbContextFactory<OtpWallDbContext> databases;
    private readonly NotificationOutbox outbox;
    private readonly LowBalanceWarnings warnings;
    private readonly SpendingService spending;
    private readonly TimeProvider time;
    private readonly ILogger<Alerts> logger;
    private readonly IDisposable _reads;
    // What this process last saw of each balance alert (raised or not): a balance read every ten seconds writes to the
    // database only when its alert changes, not at every read.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _balanceAlerts = new();

    public Alerts(IDbContextFactory<OtpWallDbContext> databases, NotificationOutbox outbox, LowBalanceWarnings warnings, SpendingService spending,
        ChangeBus bus, TimeProvider time, ILogger<Alerts> logger)
    {
        (this.databases, this.outbox, this.warnings, this.spending, this.time, this.logger) = (databases, outbox, warnings, spending, time, logger);
        _reads = bus.Subscribe<WalletRead>(OnWalletReadAsync);
    }

    public void Dispose() => _reads.Dispose();

    /// <summary>After a team-key purchase: the buyer's budget, once 80 % of a day's or a month's limit is spent.</summary>
    public async Task ApplyAsync(ActivationChanged change)
    {
        if (change.Path != ChangePath.Purchase || change.Payer != Payer.Team || change.To is not ActivationStatus.Waiting) return;
        var status = await spending.GetStatusAsync(change.UserId);
        foreach (var line in new[] { status.Day, status.Month })
        {
            if (line is null || line.Limit <= 0 || line.Spent < line.Limit * BudgetShare) continue;
            await RaiseAsync($"budget:{change.UserId}:{line.Period}:{line.ResetsAt.ToUnixTimeSeconds()}", [change.UserId], NotificationEvents.BudgetNearlyUsed,
                new JsonObject
                {
                    ["text"] = $"Your team-key budget for {line.Period} is {Math.Round(line.Spent / line.Limit * 100)} % used: {line.Spent:0.00} of {line.Limit:0.00} {status.Currency}.",
                    ["period"] = line.Period, ["spent"] = line.Spent, ["limit"] = line.Limit, ["currency"] = status.Currency,
                });
        }
    }

    /// <summary>A member was disabled: every other administrator is told.</summary>
    public async Task MemberDisabledAsync(string actingUserId, string memberEmail)
    {
        var admins = await AdministratorIdsAsync();
        await NotifyAsync(admins.Where(a => a != actingUserId).ToList(), NotificationEvents.MemberDisabled,
            new JsonObject { ["text"] = $"{memberEmail} was disabled: their sessions and API tokens ended.", ["member"] = memberEmail });
    }

    /// <summary>This replica lost the poller's lease (another one polls now, or none can reach the database).</summary>
    public async Task LeaseLostAsync(string replica)
    {
        await RaiseAsync($"lease-lost:{replica}:{time.GetUtcNow():yyyyMMddHHmm}", await AdministratorIdsAsync(), NotificationEvents.LeaseLost,
            new JsonObject { ["text"] = $"The replica {replica} lost the poller's lease: it stopped polling. Another replica takes over if it can reach the database.", ["replica"] = replica });
    }

    private async Task OnWalletReadAsync(WalletRead read)
    {
        if (read.Reading.Balance is not { } balance) return;
        try
        {
            var team = read.UserId == TeamKeyVault.Account;
            var threshold = team ? await warnings.ForTeamAsync() : await warnings.ForPersonAsync(read.UserId);
            var key = team ? "team-balance-low" : $"balance-low:{read.UserId}";
            var low = threshold is not null && balance.Amount < threshold;
            if (_balanceAlerts.TryGetValue(key, out var known) && known == low) return;
            _balanceAlerts[key] = low;
            if (!low)
            {
                await ClearAsync(key);
                return;
            }
            var text = $"{(team ? "The team balance" : "Your OTPWALL balance")} is {balance}, below the warning of {threshold:0.00} {balance.Currency}.";
            var payload = new JsonObject { ["text"] = text, ["balance"] = balance.Amount, ["currency"] = balance.Currency, ["threshold"] = threshold };
            if (team) await RaiseAsync(key, await AdministratorIdsAsync(), NotificationEvents.TeamBalanceLow, payload);
            else await RaiseAsync(key, [read.UserId], NotificationEvents.BalanceLow, payload);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAlertFailed(logger, ex.GetType().Name);
        }
    }

    private async Task RaiseAsync(string key, IReadOnlyList<string> people, string @event, JsonObject payload)
    {
        await using var db = await databases.CreateDbContextAsync();
        if (await db.RaisedAlerts.AnyAsync(a => a.Key == key)) return; // raised already
        db.RaisedAlerts.Add(new RaisedAlert { Key = key, RaisedAt = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            return; // raised at the same moment elsewhere (another replica): told there
        }
        await NotifyAsync(people, @event, payload);
    }

    private async Task ClearAsync(string key)
    {
        await using var db = await databases.CreateDbContextAsync();
        await db.RaisedAlerts.Where(a => a.Key == key).ExecuteDeleteAsync();
    }

    private async Task NotifyAsync(IReadOnlyList<string> people, string @event, JsonObject payload)
    {
        if (people.Count == 0) return;
        await using var db = await databases.CreateDbContextAsync();
        var staged = false;
        foreach (var person in people) staged |= await outbox.StageForPersonAsync(db, person, @event, payload);
        if (!staged) return;
        await db.SaveChangesAsync();
        outbox.Wake();
    }

    private async Task<List<string>> AdministratorIdsAsync()
    {
        await using var db = await databases.CreateDbContextAsync();
        return await Administrators.Ids(db).ToListAsync();
    }

    [LoggerMessage(LogLevel.Warning, "A balance alert could not be raised ({Failure})")]
    private static partial void LogAlertFailed(ILogger logger, string failure);
}

/// <summary>Subscribes <see cref="Alerts"/> to the wallet's readings as the dashboard starts.</summary>
internal sealed class AlertsSubscription(Alerts alerts) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(alerts);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
