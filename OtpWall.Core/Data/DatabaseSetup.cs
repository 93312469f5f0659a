using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OtpWall.Core.Data;

public static class DatabaseSetup
{
    /// <summary>
    /// Creates the data folder, applies pending migrations (of the configured engine) and switches SQLite to write-ahead
    /// logging; then (or with the error) completes <see cref="DatabaseReadiness"/>.
    /// </summary>
    public static async Task PrepareOtpWallDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var readiness = services.GetRequiredService<DatabaseReadiness>();
        try
        {
            var options = services.GetRequiredService<IOptions<DataDirectoryOptions>>().Value;
            Directory.CreateDirectory(options.DataDirectory);
            if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgreSql)
            {
                // Replicas starting together: EF Core's migration lock lets one apply what is pending, the others then find nothing.
                await using var db = await services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync(cancellationToken);
                // Created first, so that EF Core does not log a failed query for it on a new database.
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
            }
            else if (!await IsUpToDateAsync(options.DatabasePath, cancellationToken))
            {
                await using var db = await services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync(cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            readiness.Completed(null);
        }
        catch (Exception ex)
        {
            readiness.Completed(ex);
            throw;
        }
    }

    /// <summary>The migrations this build carries, as EF Core finds them (its own list needs a DbContext).</summary>
    internal static IReadOnlySet<string> KnownMigrations { get; } = typeof(OtpWallDbContext).Assembly.GetTypes()
        .Where(type => type.IsSubclassOf(typeof(Migration)) && type.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(OtpWallDbContext))
        .Select(type => type.GetCustomAttribute<MigrationAttribute>()!.Id)
        .ToHashSet(StringComparer.Ordinal);

    // Every start but the first after an upgrade finds nothing to do. Asked with plain SQLite: EF Core's first use (its
    // services, the design-time model it builds to apply migrations, its first queries) costs most of a second, and the
    // server is not answering the sign-in page while it waits.
    private static async Task<bool> IsUpToDateAsync(string databasePath, CancellationToken cancellationToken)
    {
        if (!File.Exists(databasePath)) return false;
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'";
        if (await command.ExecuteScalarAsync(cancellationToken) is null) return false;
        command.CommandText = "SELECT MigrationId FROM \"__EFMigrationsHistory\"";
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));
        if (!KnownMigrations.IsSubsetOf(applied)) return false;
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }
}

/// <summary>
/// Whether the database is prepared. The server starts listening while migrations are checked (a third of a second
/// of every start); requests and the work that starts with the server wait for this first.
/// </summary>
public sealed class DatabaseReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the database is ready; faults with the error when preparing it failed.</summary>
    public Task Ready => _ready.Task;

    internal void Completed(Exception? error)
    {
        if (error is null) _ready.TrySetResult();
        else _ready.TrySetException(error);
    }
}
