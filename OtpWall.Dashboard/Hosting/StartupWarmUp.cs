using Microsoft.AspNetCore.Identity;
using OtpWall.Core.Accounts;
using OtpWall.Core.Data;
using OtpWall.Dashboard.Components.Theme;

namespace OtpWall.Dashboard.Hosting;

/// <summary>
/// EF Core's first query in a process costs a few hundred ms (its services are built and its query pipeline compiled).
/// As soon as the database is ready, the queries of the sign-in page and of signing in run once in the background (and
/// the palettes are written), so that the first person after a restart does not wait for that.
/// </summary>
internal sealed partial class StartupWarmUp(
    DatabaseReadiness database, RegistrationService registration, ThemeStyles themes, IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime, ILogger<StartupWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() => WarmUpAsync(lifetime.ApplicationStopping), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WarmUpAsync(CancellationToken stopping)
    {
        try
        {
            await themes.GetAsync();
            await database.Ready.WaitAsync(stopping);
            await registration.DecideAsync(null, stopping);
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("warm-up@example.invalid");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogWarmUpFailed(logger, ex); // only slower first pages; the database's own error stops the server elsewhere
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Warming up the database queries failed.")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
}
