using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Data;

namespace OtpWall.Tests.Support;

/// <summary>A fault: every unit of work waits <c>delay</c> for its database context, as on a slow or distant server.</summary>
public sealed class SlowDatabase(IDbContextFactory<OtpWallDbContext> inner, TimeSpan delay) : IDbContextFactory<OtpWallDbContext>
{
    /// <summary>For <see cref="DashboardHost.ConfigureServices"/>: the dashboard's own contexts, each <paramref name="delay"/> late.</summary>
    public static Action<IServiceCollection> Adds(TimeSpan delay) => services =>
    {
        var real = services.Last(d => d.ServiceType == typeof(IDbContextFactory<OtpWallDbContext>));
        services.Remove(real);
        services.AddSingleton<IDbContextFactory<OtpWallDbContext>>(provider =>
            new SlowDatabase((IDbContextFactory<OtpWallDbContext>)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!), delay));
    };

    public OtpWallDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<OtpWallDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
    {
        await Task.Delay(delay, cancellationToken);
        return inner.CreateDbContext();
    }
}
