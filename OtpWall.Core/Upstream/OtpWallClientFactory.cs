using Microsoft.Extensions.DependencyInjection;

namespace OtpWall.Core.Upstream;

/// <summary>
/// Gives long-lived services an <see cref="OtpWallClient"/> per operation. The client sits on an HttpClient from
/// IHttpClientFactory, whose handlers are rotated (connection lifetime, DNS changes) and which is meant to be short
/// lived: a singleton that kept one client would pin one handler forever. Ask for a client, use it, let it go.
/// </summary>
public sealed class OtpWallClientFactory(IServiceProvider services)
{
    public OtpWallClient Create() => services.GetRequiredService<OtpWallClient>();
}
