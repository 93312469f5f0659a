using Microsoft.Extensions.Options;
using Npgsql;

namespace OtpWall.Core.Data.PostgreSql;

/// <summary>
/// Which replica runs the poller. With SQLite there is one process and it always does. With PostgreSQL a row of
/// <c>PollerLeases</c> names the holder until a time set by the database's clock (so replicas' clocks do not matter):
/// the holder renews it every <see cref="RenewEvery"/>, the others try to take it as often, and take it once it has
/// run out, so a replica that died is replaced within <see cref="Duration"/> + <see cref="RenewEvery"/> (11 s).
/// </summary>
public sealed class PollerLease(IOptions<DatabaseOptions> database, ReplicaIdentity replica)
{
    /// <summary>How long a taken or renewed lease lasts without news from its holder.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(9);

    /// <summary>How often the holder renews it, and the others try to take it.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(2);

    private const string Name = "poller";
    private readonly DatabaseOptions _database = database.Value;

    /// <summary>False with SQLite: the one process polls, there is nothing to share.</summary>
    public bool IsShared => _database.IsPostgreSql;

    public string Holder => replica.Id;

    /// <summary>Takes the lease if it is free or run out, or renews it if this replica holds it; true when it does now.</summary>
    public async Task<bool> TryHoldAsync(CancellationToken cancellationToken)
    {
        if (!IsShared) return true;
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO "PollerLeases" ("Name", "Holder", "ExpiresAt") VALUES ($1, $2, now() + $3)
            ON CONFLICT ("Name") DO UPDATE SET "Holder" = EXCLUDED."Holder", "ExpiresAt" = EXCLUDED."ExpiresAt"
              WHERE "PollerLeases"."Holder" = EXCLUDED."Holder" OR "PollerLeases"."ExpiresAt" < now()
            RETURNING "Holder"
            """, connection)
        {
            Parameters = { new() { Value = Name }, new() { Value = replica.Id }, new() { Value = Duration } },
        };
        return await command.ExecuteScalarAsync(cancellationToken) is string holder && holder == replica.Id;
    }

    /// <summary>Gives the lease up at once (a replica shutting down), so another takes over without waiting for it to run out.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (!IsShared) return;
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE "PollerLeases" SET "ExpiresAt" = now() - interval '1 second' WHERE "Name" = $1 AND "Holder" = $2
            """, connection) { Parameters = { new() { Value = Name }, new() { Value = replica.Id } } };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
