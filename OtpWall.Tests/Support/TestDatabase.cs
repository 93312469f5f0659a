using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OtpWall.Core.Data;
using OtpWall.Core.Data.PostgreSql;

namespace OtpWall.Tests.Support;

/// <summary>
/// Which engine the tests run on. By default SQLite, in each test's data folder, copied from a file migrated once per
/// run (<see cref="SeedSqlite"/>). When <c>OTPWALL_TEST_POSTGRES</c> holds a PostgreSQL server's connection string
/// (scripts/test.sh starts a throwaway cluster and runs the engine's tests again with it), each data folder gets a
/// database of its own on that server, copied from a template migrated once per run: the same folder is the same
/// database, so a restarted host finds its data as with SQLite.
/// </summary>
public static class TestDatabase
{
    private static readonly string? Server = Environment.GetEnvironmentVariable("OTPWALL_TEST_POSTGRES") is { Length: > 0 } server ? server : null;
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Created = new(StringComparer.Ordinal);
    private static string? _template;
    private static readonly Lazy<string> SqliteTemplate = new(CreateSqliteTemplate);

    public static bool IsPostgreSql => Server is not null;

    /// <summary>The settings that put Core on the test engine for <paramref name="dataDirectory"/> (none for SQLite).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> SettingsFor(string dataDirectory)
    {
        if (Server is null) return [];
        return
        [
            new("OtpWall:Database:Provider", "PostgreSQL"),
            new("OtpWall:Database:ConnectionString", ConnectionStringFor(dataDirectory)),
        ];
    }

    /// <summary>
    /// On SQLite, gives a new data folder a database with every migration applied, copied from a file migrated once per
    /// run (migrating takes a few hundred milliseconds a test; a copy takes one). The start then finds it up to date, as
    /// a restart does. A folder that has a database keeps it; the tests of migrations themselves do not call this.
    /// </summary>
    public static void SeedSqlite(string dataDirectory)
    {
        if (Server is not null) return;
        var database = Path.Combine(dataDirectory, "otpwall.db");
        if (File.Exists(database)) return;
        Directory.CreateDirectory(dataDirectory);
        File.Copy(SqliteTemplate.Value, database);
    }

    /// <summary>The connection string of the PostgreSQL database of <paramref name="dataDirectory"/>, created on first use.</summary>
    public static string ConnectionStringFor(string dataDirectory)
    {
        var server = Server ?? throw new InvalidOperationException("The tests run on SQLite (OTPWALL_TEST_POSTGRES is not set).");
        var name = NameOf(dataDirectory);
        lock (Gate)
        {
            if (Created.Add(name))
            {
                _template ??= CreateTemplate(server);
                Execute(server, $"CREATE DATABASE \"{name}\" TEMPLATE \"{_template}\"");
            }
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Drops the database of <paramref name="dataDirectory"/>, if the tests run on PostgreSQL and it was made.</summary>
    public static void Drop(string dataDirectory)
    {
        if (Server is null) return;
        var name = NameOf(dataDirectory);
        lock (Gate)
            if (!Created.Remove(name)) return;
        try
        {
            NpgsqlConnection.ClearAllPools();
            Execute(Server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
        catch (NpgsqlException)
        {
            // The cluster is thrown away at the end of the run anyway.
        }
    }

    /// <summary>
    /// Everything the database of <paramref name="dataDirectory"/> holds, as bytes a test can search for a secret: the
    /// SQLite files, or every row of every PostgreSQL table as JSON text.
    /// </summary>
    public static async Task<byte[]> ReadEverythingAsync(string dataDirectory)
    {
        if (Server is null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var all = new List<byte>();
            foreach (var file in Directory.GetFiles(dataDirectory, "otpwall.db*"))
            {
                FileStream stream;
                try
                {
                    stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                }
                catch (FileNotFoundException)
                {
                    continue; // a rollback journal SQLite deleted between listing and reading holds nothing
                }
                await using var _ = stream;
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                all.AddRange(copy.ToArray());
            }
            return [.. all];
        }
        await using var connection = new NpgsqlConnection(ConnectionStringFor(dataDirectory));
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using var rows = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM \"{table}\" t", connection);
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync()) text.AppendLine(reader.GetString(0));
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Loses the Data Protection key ring: the data folder's keys, or the database's DataProtectionKeys rows.</summary>
    public static async Task LoseKeyRingAsync(string dataDirectory)
    {
        if (Server is null)
        {
            Directory.Delete(Path.Combine(dataDirectory, "keys"), recursive: true);
            return;
        }
        await using var connection = new NpgsqlConnection(ConnectionStringFor(dataDirectory));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("DELETE FROM \"DataProtectionKeys\"", connection);
        Assert.True(await command.ExecuteNonQueryAsync() > 0);
    }

    private static string NameOf(string dataDirectory) =>
        "otpwall_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..24];

    // The schema is migrated once per run, into a template every test's database is copied from (a copy takes
    // milliseconds; migrating takes most of a second).
    private static string CreateTemplate(string server)
    {
        var name = $"otpwall_template_{Environment.ProcessId}";
        Execute(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        Execute(server, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
        using (var db = new PostgreSqlOtpWallDbContext(new DbContextOptionsBuilder<OtpWallDbContext>().UseNpgsql(connectionString).Options))
            db.Database.Migrate();
        return name;
    }

    private static string CreateSqliteTemplate()
    {
        var folder = Path.Combine(Path.GetTempPath(), "otpwall-tests", $"template-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "otpwall.db");
        var connectionString = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using (var db = new OtpWallDbContext(new DbContextOptionsBuilder<OtpWallDbContext>().UseSqlite(connectionString).Options))
            db.Database.Migrate();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        };
        return path;
    }

    private static void Execute(string server, string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
