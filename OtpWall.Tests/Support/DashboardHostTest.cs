using Microsoft.Extensions.DependencyInjection;

namespace OtpWall.Tests.Support;

/// <summary>A test class whose every test gets a fresh dashboard with its own data folder.</summary>
public abstract class DashboardHostTest(Action<IServiceCollection>? configureServices = null) : IAsyncLifetime
{
    protected DashboardHost Host { get; } = new() { ConfigureServices = configureServices };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
