using Microsoft.Extensions.Options;
using OtpWall.Core.ApiKeys;
using OtpWall.Sandbox;

namespace OtpWall.Dashboard.SandboxMode;

/// <summary>The one-click sandbox key: a fresh simulated account with a starting balance, saved as the user's key.</summary>
public sealed class SandboxKeyIssuer(UpstreamMode mode, IServiceProvider services, ApiKeyService apiKeys, IOptions<SandboxModeOptions> options)
{
    /// <summary>Only when this app serves the simulator.</summary>
    public bool IsAvailable => mode.InApp;

    public decimal StartingBalance => options.Value.StartingBalance;

    public async Task<KeySaveResult> IssueAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (!IsAvailable) throw new InvalidOperationException("Sandbox keys exist only in sandbox mode.");
        var simulator = services.GetRequiredService<SandboxSimulator>();
        var (key, _, _) = simulator.CreateAccount(null, options.Value.StartingBalance, null);
        return await apiKeys.SaveAsync(userId, key, cancellationToken);
    }
}
