using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Data;
using OtpWall.Core.Data.PostgreSql;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Data;

/// <summary>
/// What a start does to the database: an upgraded dashboard brings an older database up to date, an up-to-date one is
/// left alone without EF Core, and a database that cannot be prepared keeps every request waiting on an error, not on
/// missing tables.
/// </summary>
[Trait("Database", "BothEngines")]
public sealed class DatabaseSetupTests(SandboxServer sandbox) : IClassFixture<SandboxServer>
{
    private ServiceProvider NewServices(string dataDirectory)
    {
        var services = new ServiceCollection();
        CoreServices.AddTo(services, dataDirectory, sandbox, TimeProvider.System);
        return services.BuildServiceProvider();
    }

    private static async Task<OtpWallDbContext> OpenAsync(IServiceProvider services) =>
        await services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();

    [Fact]
    [Trait("Database", "SqliteOnly")]
    public async Task The_migrations_checked_at_start_are_the_ones_ef_core_applies()
    {
        await using var services = NewServices(DashboardHost.NewDataDirectory());
        await using var db = await OpenAsync(services);

        Assert.Equal(db.Database.GetMigrations().Order(), DatabaseSetup.KnownMigrations.Order());
    }

    [Fact]
    [Trait("Database", "SqliteOnly")]
    public async Task A_database_from_an_older_version_gets_the_newer_migrations_at_start()
    {
        var dataDirectory = DashboardHost.NewDataDirectory();
        Directory.CreateDirectory(dataDirectory);
        string[] all;
        await using (var older = NewServices(dataDirectory))
        await using (var db = await OpenAsync(older))
        {
            all = db.Database.GetMigrations().ToArray();
            await db.GetService<IMigrator>().MigrateAsync(all[0]);
            Assert.Single(await db.Database.GetAppliedMigrationsAsync());
        }

        await using var upgraded = NewServices(dataDirectory);
        await upgraded.PrepareOtpWallDatabaseAsync();

        await using var after = await OpenAsync(upgraded);
        Assert.Equal(all, await after.Database.GetAppliedMigrationsAsync());
        Assert.True(upgraded.GetRequiredService<DatabaseReadiness>().Ready.IsCompletedSuccessfully);
        Assert.Equal("wal", await after.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").SingleAsync());
    }

    [PostgreSqlFact]
    public async Task On_PostgreSql_times_are_timestamptz_a_person_can_read_and_the_upgrade_keeps_each_instant()
    {
        var dataDirectory = DashboardHost.NewDataDirectory();
        try
        {
            await using var services = NewServices(dataDirectory);
            await using var db = await OpenAsync(services);
            var migrations = db.Database.GetMigrations().ToArray();
            var migrator = db.GetService<IMigrator>();
            // The version before: times in EF Core's binary form, one of them written with an offset.
            await migrator.MigrateAsync(migrations[Array.FindIndex(migrations, m => m.EndsWith("_TimestamptzChangeFeedAndNoPollFailures", StringComparison.Ordinal)) - 1]);
            var at = new DateTimeOffset(2026, 12, 5, 9, 30, 15, 123, TimeSpan.Zero);
            var binary = new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter();
            var utcBinary = (long)binary.ConvertToProvider(at)!;
            var offsetBinary = (long)binary.ConvertToProvider(at.ToOffset(TimeSpan.FromHours(2)))!;
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "PairShortages" ("Service", "Country", "LastNoNumbersAt") VALUES ('discord', 'DE', {offsetBinary}), ('telegram', 'PK', {utcBinary})""");

            await migrator.MigrateAsync();

            Assert.Equal([at, at], await db.PairShortages.AsNoTracking().OrderBy(s => s.Service).Select(s => s.LastNoNumbersAt).ToListAsync());
            Assert.Equal("2026-12-05 09:30:15.123", await db.Database.SqlQueryRaw<string>(
                """SELECT to_char("LastNoNumbersAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS "Value" FROM "PairShortages" WHERE "Service" = 'telegram'""").SingleAsync());
            Assert.Equal(["timestamp with time zone"], await db.Database.SqlQueryRaw<string>(
                """SELECT DISTINCT data_type AS "Value" FROM information_schema.columns WHERE table_name = 'Activations' AND column_name IN ('CreatedAt', 'ExpiresAt', 'ClosedAt')""").ToListAsync());
            Assert.Empty(await db.Database.SqlQueryRaw<string>(
                """SELECT column_name AS "Value" FROM information_schema.columns WHERE table_name = 'Activations' AND column_name = 'PollFailures'""").ToListAsync());
        }
        finally
        {
            TestDatabase.Drop(dataDirectory);
        }
    }

    [Fact]
    public async Task A_restart_finds_the_database_ready_and_its_data_kept()
    {
        var dataDirectory = DashboardHost.NewDataDirectory();
        await using (var first = NewServices(dataDirectory))
        {
            await first.PrepareOtpWallDatabaseAsync();
            await using var db = await OpenAsync(first);
            db.Users.Add(new() { UserName = "kept@example.com", Email = "kept@example.com" });
            await db.SaveChangesAsync();
        }

        await using var restarted = NewServices(dataDirectory);
        await restarted.PrepareOtpWallDatabaseAsync();

        Assert.True(restarted.GetRequiredService<DatabaseReadiness>().Ready.IsCompletedSuccessfully);
        await using var after = await OpenAsync(restarted);
        Assert.Equal("kept@example.com", (await after.Users.SingleAsync()).Email);
    }

    [Fact]
    public async Task A_database_that_cannot_be_prepared_fails_readiness_with_the_error()
    {
        var notAFolder = Path.GetTempFileName(); // the data directory is a file: nothing can be created in it
        await using var services = NewServices(notAFolder);

        await Assert.ThrowsAnyAsync<IOException>(() => services.PrepareOtpWallDatabaseAsync());

        await Assert.ThrowsAnyAsync<IOException>(() => services.GetRequiredService<DatabaseReadiness>().Ready);
    }

    [Fact]
    [Trait("Database", "SqliteOnly")]
    public async Task The_compiled_model_matches_the_model_in_code()
    {
        // Data/CompiledModel is generated (dotnet ef dbcontext optimize); after a model change it must be generated again.
        await using var services = NewServices(DashboardHost.NewDataDirectory());
        await using var db = await OpenAsync(services);
        var inCode = db.GetService<IDesignTimeModel>().Model;

        Assert.True(Shape(inCode).SequenceEqual(Shape(db.Model)),
            "The compiled model is out of date: run `dotnet ef dbcontext optimize --context OtpWallDbContext --output-dir Data/CompiledModel --namespace OtpWall.Core.Data.CompiledModel` in OtpWall.Core.");
    }

    [Fact]
    public void Each_engines_migrations_match_the_model_in_code()
    {
        using var sqlite = new OtpWallDbContext(new DbContextOptionsBuilder<OtpWallDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(sqlite.Database.HasPendingModelChanges(),
            "The SQLite migrations lag the model: run `dotnet ef migrations add NAME --context OtpWallDbContext --output-dir Data/Migrations` in OtpWall.Core.");
        using var postgreSql = new PostgreSqlOtpWallDbContext(new DbContextOptionsBuilder<OtpWallDbContext>().UseNpgsql("Host=localhost").Options);
        Assert.False(postgreSql.Database.HasPendingModelChanges(),
            "The PostgreSQL migrations lag the model: run `dotnet ef migrations add NAME --context PostgreSqlOtpWallDbContext --output-dir Data/PostgreSql/Migrations --namespace OtpWall.Core.Data.PostgreSql.Migrations` in OtpWall.Core.");
        Assert.Contains("DataProtectionKeys", postgreSql.Model.GetEntityTypes().Select(e => e.GetTableName()));
    }

    [Theory]
    [InlineData("Oracle", null, "OtpWall:Database:Provider must be Sqlite or PostgreSQL, not \"Oracle\".")]
    [InlineData("PostgreSQL", null, "OtpWall:Database:Provider is PostgreSQL: set OtpWall:Database:ConnectionString")]
    [InlineData("Sqlite", "Host=db", "OtpWall:Database:ConnectionString is for PostgreSQL only")]
    public async Task A_wrong_database_setting_stops_the_start_and_says_what_to_set(string provider, string? connectionString, string message)
    {
        var services = new ServiceCollection();
        CoreServices.AddTo(services, DashboardHost.NewDataDirectory(), sandbox, TimeProvider.System, new Dictionary<string, string?>
        {
            ["OtpWall:Database:Provider"] = provider,
            ["OtpWall:Database:ConnectionString"] = connectionString,
        });
        await using var provided = services.BuildServiceProvider();

        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provided.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    // Tables, columns with their types, keys, foreign keys and indexes, one line each.
    private static IEnumerable<string> Shape(IModel model) => model.GetEntityTypes().OrderBy(e => e.Name).SelectMany(entity =>
        new[] { $"{entity.Name} -> {entity.GetTableName()}" }
            .Concat(entity.GetProperties().Select(p =>
                $"  {p.Name} {p.ClrType.Name} {p.GetColumnName()} null:{p.IsNullable} max:{p.GetMaxLength()} conv:{p.GetValueConverter()?.ProviderClrType.Name} concurrency:{p.IsConcurrencyToken}"))
            .Concat(entity.GetKeys().Select(k => $"  key {string.Join(",", k.Properties.Select(p => p.Name))}"))
            .Concat(entity.GetForeignKeys().Select(f => $"  fk {string.Join(",", f.Properties.Select(p => p.Name))} -> {f.PrincipalEntityType.Name} {f.DeleteBehavior}"))
            .Concat(entity.GetIndexes().Select(i => $"  index {string.Join(",", i.Properties.Select(p => p.Name))} unique:{i.IsUnique}")));
}
