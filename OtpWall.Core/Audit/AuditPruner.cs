using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.Accounts;
using OtpWall.Core.Data;

namespace OtpWall.Core.Audit;

/// <summary>Once a day (and once soon after a start): audit entries past the retention and sessions ended a month ago go.</summary>
public sealed partial class AuditPruner(
    AuditLog audit, SessionRegistry sessions, DatabaseReadiness database, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditPruner> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    private static readonly TimeSpan s_endedSessionsKept = TimeSpan.FromDays(30);

    public async Task PruneOnceAsync(CancellationToken cancellationToken = default)
    {
        var entries = await audit.PruneAsync(TimeSpan.FromDays(options.Value.RetentionDays), cancellationToken);
        var ended = await sessions.PruneAsync(s_endedSessionsKept, cancellationToken);
        if (entries + ended > 0) LogPruned(logger, entries, options.Value.RetentionDays, ended);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await database.Ready.WaitAsync(stoppingToken);
            await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
            using var timer = new PeriodicTimer(Interval, time);
            do
            {
                try
                {
                    await PruneOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPruneFailed(logger, ex.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Entries} audit entries older than {Days} days and {Sessions} ended sessions.")]
    private static partial void LogPruned(ILogger logger, int entries, int days, int sessions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The daily prune of the audit log failed ({Error}); it runs again tomorrow.")]
    private static partial void LogPruneFailed(ILogger logger, string error);
}
