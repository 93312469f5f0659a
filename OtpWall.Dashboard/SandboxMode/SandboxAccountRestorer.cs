using Microsoft.Extensions.Options;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Sandbox;

namespace OtpWall.Dashboard.SandboxMode;

/// <summary>
/// The in-app simulator keeps its accounts in memory; the dashboard keeps people's keys in its database. So that a
/// restart does not break everyone's sandbox key, each saved key (and the team key) gets its sandbox account back (with
/// the starting balance) when the dashboard starts in sandbox mode.
/// </summary>
internal sealed class SandboxAccountRestorer(
    UpstreamMode mode, DatabaseReadiness database, ApiKeyVault vault, TeamKeyVault team, SandboxSimulator simulator, IOptions<SandboxModeOptions> options)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!mode.InApp) return;
        await database.Ready.WaitAsync(cancellationToken);
        foreach (var userId in await vault.UsersWithKeysAsync(cancellationToken)) Restore((await vault.GetAsync(userId, cancellationToken)).Key);
        Restore((await team.GetAsync(cancellationToken)).Key);
    }

    private void Restore(OtpWallApiKey? key)
    {
        if (key is not null && !simulator.AccountExists(key.Reveal())) simulator.CreateAccount(key.Reveal(), options.Value.StartingBalance, null);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
