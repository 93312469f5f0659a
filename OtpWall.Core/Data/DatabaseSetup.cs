using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OtpWall.Core.Data;

public static class DatabaseSetup
{
    /// <summary>Creates the data folder, applies pending migrations and switches SQLite to write-ahead logging.</summary>
    public static async Task PrepareOtpWallDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<IOptions<DataDirectoryOptions>>().Value;
        Directory.CreateDirectory(options.DataDirectory);
        await using var db = await services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }
}
