using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OtpWall.Dashboard.SandboxMode;

/// <summary>
/// Sends OTPWALL calls to the simulator this app serves, at whatever address it is listening on (known only
/// once Kestrel has bound, and a random port in tests). Wildcard bindings are reached through localhost.
/// </summary>
internal sealed class SandboxLoopbackHandler(IServer server, UpstreamMode mode) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!mode.InApp) return base.SendAsync(request, cancellationToken);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new HttpRequestException("The dashboard is not listening yet, so its sandbox cannot be reached.", null);
        var bound = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal));
        request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = bound.Scheme, Host = bound.Host, Port = bound.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
