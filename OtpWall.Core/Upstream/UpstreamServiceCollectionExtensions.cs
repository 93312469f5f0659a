using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;

namespace OtpWall.Core.Upstream;

public static class UpstreamServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OtpWallClient"/> over a generated Refit client with OTPWALL's resilience rules,
    /// bound to <see cref="OtpWallUpstreamOptions"/>. Returns the HTTP client builder so a host or a test can
    /// add to the pipeline.
    /// </summary>
    public static IHttpClientBuilder AddOtpWallUpstream(this IServiceCollection services)
    {
        services.AddOptions<OtpWallUpstreamOptions>()
            .BindConfiguration(OtpWallUpstreamOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.BaseUrl.IsAbsoluteUri, "OtpWall:Upstream:BaseUrl must be an absolute URL.")
            .Validate(o => o.TotalTimeout >= o.AttemptTimeout, "OtpWall:Upstream:TotalTimeout must not be shorter than AttemptTimeout.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var builder = services
            .AddRefitGeneratedClient<IOtpWallApi>(OtpWallJsonContext.Default)
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<OtpWallUpstreamOptions>>().Value;
                client.BaseAddress = options.BaseUrl;
                // The resilience pipeline owns timeouts; this is only a backstop behind it.
                client.Timeout = options.TotalTimeout + TimeSpan.FromSeconds(5);
            })
            // The Authorization header carries the user's key: never let HTTP logging print a header value.
            .RedactLoggedHeaders(_ => true);

        builder.AddResilienceHandler("otpwall", (pipeline, context) =>
            UpstreamResilience.Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<OtpWallUpstreamOptions>>().Value));

        services.TryAddTransient(provider => new OtpWallClient(
            provider.GetRequiredService<IOtpWallApi>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<OtpWallClient>>(),
            provider.GetService<Diagnostics.OtpWallMetrics>()));
        return builder;
    }
}
