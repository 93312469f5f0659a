using OtpWall.Core.ApiKeys;
using OtpWall.Core.Upstream;

namespace OtpWall.Core.Catalogue;

/// <summary>OTPWALL's countries and services, read once and shared by every user of this instance (one upstream).</summary>
public sealed record CatalogueSnapshot(IReadOnlyList<Service> Services, IReadOnlyList<Country> Countries, DateTimeOffset ReadAt);

/// <summary>
/// The catalogue cache: the first user who needs it reads it with their key; later readers get the cached copy,
/// refreshed in the background (with the key of whoever asked) once it is older than <see cref="MaxAge"/>.
/// </summary>
public sealed class CatalogueService(OtpWallClientFactory clients, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(6);

    private readonly Lock _gate = new();
    private CatalogueSnapshot? _snapshot;
    private Task<CatalogueSnapshot>? _reading;

    public async Task<CatalogueSnapshot> GetAsync(OtpWallApiKey key, CancellationToken cancellationToken = default)
    {
        Task<CatalogueSnapshot> reading;
        lock (_gate)
        {
            if (_snapshot is { } cached)
            {
                if (time.GetUtcNow() - cached.ReadAt > MaxAge && _reading is null) _reading = RefreshAsync(key);
                return cached;
            }
            reading = _reading ??= RefreshAsync(key);
        }
        return await reading.WaitAsync(cancellationToken);
    }

    private async Task<CatalogueSnapshot> RefreshAsync(OtpWallApiKey key)
    {
        await Task.Yield();
        try
        {
            var client = clients.Create();
            var servicesTask = client.GetServicesAsync(key);
            var countriesTask = client.GetCountriesAsync(key);
            var snapshot = new CatalogueSnapshot(
                [.. (await servicesTask).OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)],
                [.. (await countriesTask).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)],
                time.GetUtcNow());
            lock (_gate) _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            lock (_gate) _reading = null;
        }
    }
}
