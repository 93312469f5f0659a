using Npgsql;
using OtpWall.Tests.Hosting;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Data;

/// <summary>On PostgreSQL the database-size gauge reports the server's size of the dashboard's database (no file to measure).</summary>
[Collection(MetricsRunAlone.Name)]
[Trait("Database", "BothEngines")]
public sealed class PostgreSqlStorageGaugeTests
{
    [PostgreSqlFact]
    public async Task TheDatabaseSizeGauge_IsThePostgreSqlDatabasesSize()
    {
        await using var host = MetricsTests.NewHost();
        host.StartServer();

        var (_, scrape) = await MetricsTests.ScrapeAsync(host.RootUri, MetricsTests.Token);

        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionStringFor(host.DataDirectory));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        var size = (long)(await command.ExecuteScalarAsync())!;
        // The same figure, give or take what the dashboard wrote between the scrape and this query.
        Assert.InRange(MetricsTests.Value(scrape, "otpwall_database_size_bytes"), size * 0.9, size * 1.1);
        Assert.False(File.Exists(Path.Combine(host.DataDirectory, "otpwall.db")));
    }
}
