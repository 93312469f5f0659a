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
using OtpWall.Core.Data.PostgreSql;
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

        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DatabaseReadiness>();
        services.AddDbContextFactory<OtpWallDbContext, OtpWallDbContextFactory>((provider, options) =>
        {
            var database = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (database.IsPostgreSql) options.UseNpgsql(database.ConnectionString);
            else options.UseSqlite($"Data Source={provider.GetRequiredService<IOptions<DataDirectoryOptions>>().Value.DatabasePath}");
        });
        // The Data Protection key ring's repository asks for the PostgreSQL context itself, in a scope of its own.
        services.AddScoped(provider => (PostgreSqlOtpWallDbContext)provider.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContext());

        services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        // The key ring lives beside the data: in the data folder with SQLite, in the database with PostgreSQL (shared
        // by every replica, so a key saved through one is read through another).
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, DataDirectoryKeyRing>();
        services.AddSingleton<DatabaseGates>();
        services.AddSingleton<ReplicaIdentity>();

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
        services.AddSingleton<ApiTokens.ApiTokenService>();
        services.AddOptions<Notifications.NotificationOptions>().BindConfiguration(Notifications.NotificationOptions.SectionName);
        services.AddSingleton<Notifications.NotificationOutbox>();
        services.AddSingleton<Notifications.WebhookSecrets>();
        services.AddSingleton<Notifications.WebhookService>();
        services.AddOptions<Notifications.Telegram.TelegramOptions>().BindConfiguration(Notifications.Telegram.TelegramOptions.SectionName);
        services.AddSingleton<Notifications.Telegram.TelegramBotClients>();
        services.AddSingleton<Notifications.Telegram.TelegramService>();
        services.AddSingleton<Notifications.Telegram.TelegramChannel>();
        services.AddSingleton<Notifications.Telegram.TelegramUpdates>();
        services.AddHostedService(provider => provider.GetRequiredService<Notifications.Telegram.TelegramUpdates>());
        services.AddHttpClient(Notifications.Telegram.TelegramBotClients.HttpClientName);
        services.AddSingleton<Notifications.Alerts>();
        services.AddHostedService<Notifications.AlertsSubscription>();
        services.AddSingleton<Activations.Changes.IActivationEffect>(provider => provider.GetRequiredService<Notifications.Alerts>());
        services.AddSingleton<Notifications.Push.PushService>();
        services.AddSingleton<Notifications.Push.PushChannel>();
        services.AddSingleton<Notifications.OutboxSender>();
        services.AddHostedService(provider => provider.GetRequiredService<Notifications.OutboxSender>());
        services.AddHttpClient(Notifications.OutboxSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var allowLocal = provider.GetRequiredService<IOptions<Notifications.NotificationOptions>>().Value.AllowLocalWebhooks;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false, // a redirect could lead inside; receivers answer where they are
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectCallback = (context, token) => Notifications.WebhookAddresses.ConnectAsync(context.DnsEndPoint, allowLocal, token),
                };
            });
        services.AddSingleton<AuditPruner>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditPruner>());
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<TeamService>();
        services.AddSingleton<CatalogueService>();
        services.AddSingleton<ActivationService>();
        services.AddSingleton<Activations.Purchasing.Purchases>();
        services.AddSingleton<Activations.Purchasing.BatchPurchases>();
        services.AddSingleton<Activations.Purchasing.FallbackPurchases>();
        services.AddSingleton<Activations.Purchasing.BuyRules>();
        services.AddSingleton<Spending.PriceCeilings>();
        services.AddSingleton<ActivationQueries>();
        services.AddSingleton<Spending.InstanceCalendar>();
        services.AddSingleton<BuyPreferences>();
        services.AddSingleton<Wallet.LowBalanceWarnings>();
        services.AddSingleton<Activations.Insights.PairInsightsQuery>();
        services.AddSingleton<Activations.Insights.PairInsights>();
        services.AddMetrics();
        services.TryAddSingleton<Diagnostics.OtpWallMetrics>();
        services.AddSingleton<Activations.Polling.LeaseKeeper>();
        services.AddSingleton<Activations.Polling.ActivationFollower>();
        services.AddSingleton<Activations.Polling.InterruptedPurchases>();
        services.AddSingleton(provider =>
        {
            var poller = ActivatorUtilities.CreateInstance<Activations.Polling.ActivationPoller>(provider);
            provider.GetRequiredService<Diagnostics.OtpWallMetrics>().ObserveOpenActivations(poller.OpenByStatus);
            return poller;
        });
        services.AddHostedService(provider => provider.GetRequiredService<Activations.Polling.ActivationPoller>());
        services.AddSingleton<PollerLease>();
        services.AddSingleton<LiveUpdates.ChangeBus>();
        services.AddSingleton<PostgreSqlChangeRelay>();
        services.AddHostedService(provider =>
        {
            // With PostgreSQL the commit point follows other replicas' activation changes from the start (it subscribes
            // when made); with SQLite there are no others and nothing is made early.
            if (provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgreSql)
                provider.GetRequiredService<Activations.Changes.ActivationCommits>();
            return provider.GetRequiredService<PostgreSqlChangeRelay>();
        });

        // The commit point of activation changes and its effects, in the order they run after each change.
        services.AddSingleton<Activations.Changes.ActivationCommits>();
        services.AddSingleton<Activations.Changes.IActivationEffect, Activations.Changes.LedgerEffect>();
        services.AddSingleton<Activations.Changes.IActivationEffect, Activations.Changes.RetiredKeyEffect>();
        services.AddSingleton<Activations.Changes.IActivationEffect, Activations.Changes.WalletEffect>();
        services.AddSingleton<Activations.Changes.IActivationEffect, Activations.Changes.FollowingEffect>();
        services.AddSingleton<Activations.Changes.IActivationEffect, Activations.Changes.LivePagesEffect>();
        services.AddSingleton<Activations.Changes.IActivationEffect, Activations.Changes.ReplicasEffect>();
        services.AddSingleton<Activations.Changes.IActivationEffect, Activations.Changes.InsightsEffect>();
        services.AddSingleton<Activations.Changes.IActivationEffect, Activations.Changes.AuditTrailEffect>();
        services.AddSingleton<Activations.Changes.IActivationEffect, Activations.Changes.MetricsEffect>();

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<DataDirectoryHealthCheck>("dataDirectory");
        return services;
    }
}
