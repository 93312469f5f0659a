using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OtpWall.Sandbox;

public static class SandboxServiceCollectionExtensions
{
    /// <summary>Registers the simulator, bound to <see cref="SandboxOptions"/> at <paramref name="configSectionPath"/>.</summary>
    public static IServiceCollection AddOtpWallSandbox(this IServiceCollection services, string configSectionPath = "Sandbox")
    {
        services.AddOptions<SandboxOptions>()
            .BindConfiguration(configSectionPath)
            .ValidateDataAnnotations()
            .Validate(o => o.SmsDelayMax >= o.SmsDelayMin, "Sandbox SmsDelayMax must not be shorter than SmsDelayMin.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new SandboxRandom(provider.GetRequiredService<IOptions<SandboxOptions>>().Value.Seed));
        services.TryAddSingleton<SandboxSimulator>();
        services.TryAddSingleton<SandboxFaults>();
        services.TryAddSingleton<SandboxStats>();
        return services;
    }
}
