using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Sandbox;

namespace OtpWall.Dashboard.SandboxMode;

/// <summary>
/// The in-app simulator keeps its books in memory; so that a restart changes nothing a person sees, they are saved in
/// the dashboard's database (the data folder's SQLite, or PostgreSQL), encrypted with the key ring, a second after any
/// change and when the dashboard stops, and read back when it starts. Each saved key (and the team key) the books do not
/// know yet gets its sandbox account (with the starting balance), as before books were kept.
/// </summary>
internal sealed partial class SandboxAccountRestorer(
    UpstreamMode mode, DatabaseReadiness database, IDbContextFactory<OtpWallDbContext> databases, IDataProtectionProvider protection,
    ApiKeyVault vault, TeamKeyVault team, SandboxSimulator simulator, IOptions<SandboxModeOptions> options, TimeProvider time,
    ILogger<SandboxAccountRestorer> logger)
    : BackgroundService
{
    private static readonly TimeSpan s_saveEvery = TimeSpan.FromSeconds(1);
    private readonly IDataProtector _protector = protection.CreateProtector("OtpWall.SandboxBooks.v1");
    private readonly SemaphoreSlim _saving = new(1, 1);
    private long _saved = -1;

    private readonly TaskCompletionSource _restored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _needed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once the books saved at the last stop are back and every saved key has its account (at once when the
    /// sandbox is not served here). They are read when first needed, not while the server starts (its first pages need
    /// no sandbox): every request to the sandbox, and a new sandbox key, waits here.
    /// </summary>
    public Task WhenRestoredAsync(CancellationToken cancellationToken)
    {
        _needed.TrySetResult();
        return _restored.Task.WaitAsync(cancellationToken);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (mode.InApp) return base.StartAsync(cancellationToken);
        _restored.TrySetResult();
        return Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Books that were never read back are not written over with an empty simulator.
        if (mode.InApp && _restored.Task.IsCompletedSuccessfully) await SaveAsync(CancellationToken.None);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Nothing can change the books before someone needs them: until then there is nothing to read or to save.
            await _needed.Task.WaitAsync(stoppingToken);
            await database.Ready.WaitAsync(stoppingToken);
            await LoadAsync(stoppingToken);
            foreach (var userId in await vault.UsersWithKeysAsync(stoppingToken)) Restore((await vault.GetAsync(userId, stoppingToken)).Key);
            Restore((await team.GetAsync(stoppingToken)).Key);
            _restored.TrySetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _restored.TrySetCanceled(stoppingToken);
            return;
        }
        catch (Exception ex)
        {
            // As when this ran before the server started: the host logs it and stops.
            _restored.TrySetException(ex);
            throw;
        }

        using var timer = new PeriodicTimer(s_saveEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await SaveAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.SandboxSnapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == SandboxSnapshot.SingletonId, cancellationToken) is not { } saved) return;
        try
        {
            if (JsonSerializer.Deserialize<SandboxState>(_protector.Unprotect(saved.Protected), JsonSerializerOptions.Web) is { } state)
                simulator.Import(state);
            _saved = simulator.Version;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or JsonException)
        {
            // A key ring that changed (or a damaged row): the sandbox starts afresh, as before books were kept.
            LogUnreadable(logger, ex.GetType().Name);
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await _saving.WaitAsync(cancellationToken);
        try
        {
            var version = simulator.Version;
            if (version == _saved) return;
            var text = _protector.Protect(JsonSerializer.Serialize(simulator.Export(), JsonSerializerOptions.Web));
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var row = await db.SandboxSnapshots.SingleOrDefaultAsync(s => s.Id == SandboxSnapshot.SingletonId, cancellationToken);
            if (row is null) db.SandboxSnapshots.Add(new SandboxSnapshot { Protected = text, SavedAt = time.GetUtcNow() });
            else (row.Protected, row.SavedAt) = (text, time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            _saved = version;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Tried again at the next tick; the simulator itself is unaffected.
            LogSaveFailed(logger, ex);
        }
        finally
        {
            _saving.Release();
        }
    }

    private void Restore(OtpWallApiKey? key)
    {
        if (key is not null && !simulator.AccountExists(key.Reveal())) simulator.CreateAccount(key.Reveal(), options.Value.StartingBalance, null);
    }

    [LoggerMessage(LogLevel.Warning, "The sandbox's saved books could not be read ({Error}); it starts afresh")]
    private static partial void LogUnreadable(ILogger logger, string error);

    [LoggerMessage(LogLevel.Warning, "The sandbox's books could not be saved; trying again")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception);
}
