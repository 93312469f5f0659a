using Microsoft.Extensions.Options;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Sandbox;

namespace OtpWall.Dashboard.SandboxMode;

/// <summary>
/// The in-app simulator keeps its accounts in memory; the dashboard keeps people's keys in its database. So that a
/// restart does not break everyone's sandbox key, each saved key gets its sandbox account back (with the starting
/// balance) when the dashboard starts in sandbox mode.
/// </summary>
internal sealed class SandboxAccountRestorer(
    UpstreamMode mode, DatabaseReadiness database, ApiKeyVault vault, SandboxSimulator simulator, IOptions<SandboxModeOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!mode.InApp) return;
        await database.Ready.WaitAsync(cancellationToken);
        foreach (var userId in await vault.UsersWithKeysAsync(cancellationToken))
        {
            if ((await vault.GetAsync(userId, cancellationToken)).Key is { } key && !simulator.AccountExists(key.Reveal()))
                simulator.CreateAccount(key.Reveal(), options.Value.StartingBalance, null);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
