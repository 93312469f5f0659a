using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;
using OtpWall.Core.Activations;
using OtpWall.Core.Catalogue;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Core.Spending;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;

namespace OtpWall.Core;

public static class OtpWallCoreServiceCollectionExtensions
{
    /// <summary>The name Data Protection keys are bound to: keep it, or every stored API key becomes unreadable.</summary>
    public const string DataProtectionApplicationName = "OtpWall.Dashboard";

    /// <summary>
    /// Everything below the pages: the data folder (SQLite database and key ring), the OTPWALL client, the key vault,
    /// the wallet, team administration and health checks. Identity itself is added by the host with
    /// <see cref="AccountRules.AddOtpWallAccountRules"/>. <paramref name="configureUpstream"/> may add handlers to the
    /// OTPWALL HTTP client (inside the resilience pipeline, so per attempt).
    /// </summary>
    public static IServiceCollection AddOtpWallCore(this IServiceCollection services, Action<IHttpClientBuilder>? configureUpstream = null)
    {
        services.AddOptions<DataDirectoryOptions>()
            .BindConfiguration(DataDirectoryOptions.SectionName)
            .PostConfigure<IHostEnvironment>((options, environment) =>
                options.DataDirectory = Path.GetFullPath(options.DataDirectory, environment.ContentRootPath))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<WalletOptions>().BindConfiguration(WalletOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SpendingOptions>().BindConfiguration(SpendingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ActivationOptions>().BindConfiguration(ActivationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<DatabaseReadiness>();
        services.AddDbContextFactory<OtpWallDbContext>((provider, options) =>
            options.UseSqlite($"Data Source={provider.GetRequiredService<IOptions<DataDirectoryOptions>>().Value.DatabasePath}"));

        services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, DataDirectoryKeyRing>();

        var upstream = services.AddOtpWallUpstream();
        configureUpstream?.Invoke(upstream);
        services.AddSingleton<OtpWallClientFactory>();
        services.AddSingleton<ApiKeyVault>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<TeamKeyVault>();
        services.AddSingleton<PayingKeys>();
        services.AddSingleton<SpendingService>();
        services.AddSingleton<TeamKeyService>();
        services.AddSingleton<UsageService>();
        services.AddSingleton<WalletService>();
        services.AddSingleton<BalanceMovements>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<AuditPruner>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditPruner>());
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<TeamService>();
        services.AddSingleton<CatalogueService>();
        services.AddSingleton<ActivationNotifier>();
        services.AddSingleton<ActivationService>();
        services.AddSingleton<ActivationQueries>();
        services.AddSingleton<BuyPreferences>();
        services.AddSingleton<PairInsights>();
        services.AddMetrics();
        services.TryAddSingleton<Diagnostics.OtpWallMetrics>();
        services.AddSingleton(provider =>
        {
            var poller = ActivatorUtilities.CreateInstance<ActivationPoller>(provider);
            provider.GetRequiredService<Diagnostics.OtpWallMetrics>().ObserveOpenActivations(poller.OpenByStatus);
            return poller;
        });
        services.AddHostedService(provider => provider.GetRequiredService<ActivationPoller>());

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<DataDirectoryHealthCheck>("dataDirectory");
        return services;
    }
}
