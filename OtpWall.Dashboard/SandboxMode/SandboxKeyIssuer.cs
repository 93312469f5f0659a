using Microsoft.Extensions.Options;
using OtpWall.Core.ApiKeys;
using OtpWall.Sandbox;

namespace OtpWall.Dashboard.SandboxMode;

/// <summary>The one-click sandbox key: a fresh simulated account with a starting balance, saved as the user's key.</summary>
public sealed class SandboxKeyIssuer(
    UpstreamMode mode, IServiceProvider services, ApiKeyService apiKeys, OtpWall.Core.Spending.TeamKeyService teamKeys, IOptions<SandboxModeOptions> options)
{
    /// <summary>Only when this app serves the simulator.</summary>
    public bool IsAvailable => mode.InApp;

    public decimal StartingBalance => options.Value.StartingBalance;

    public async Task<KeySaveResult> IssueAsync(string userId, CancellationToken cancellationToken = default) =>
        await apiKeys.SaveAsync(userId, await NewAccountAsync(cancellationToken), cancellationToken);

    /// <summary>The same for the team key, saved by an administrator (<paramref name="actingUserId"/>), with the same checks as a typed one.</summary>
    public async Task<KeySaveResult> IssueTeamKeyAsync(string actingUserId, CancellationToken cancellationToken = default) =>
        await teamKeys.SaveAsync(actingUserId, await NewAccountAsync(cancellationToken), cancellationToken);

    private async Task<string> NewAccountAsync(CancellationToken cancellationToken)
    {
        if (!IsAvailable) throw new InvalidOperationException("Sandbox keys exist only in sandbox mode.");
        // An account made before the saved books are read back would be lost when they are.
        await services.GetRequiredService<SandboxAccountRestorer>().WhenRestoredAsync(cancellationToken);
        return services.GetRequiredService<SandboxSimulator>().CreateAccount(null, options.Value.StartingBalance, null).Key;
    }
}
