using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OtpWall.Core.Data.PostgreSql;

/// <summary>
/// The dashboard's model on PostgreSQL (<c>OtpWall:Database:Provider</c> = <c>PostgreSQL</c>), with its own migrations
/// (<c>Data/PostgreSql/Migrations</c>). Beside the shared tables it holds the Data Protection key ring, so that every
/// replica decrypts what another encrypted, and the poller's lease (created by a migration, read with plain SQL).
/// </summary>
public sealed class PostgreSqlOtpWallDbContext(DbContextOptions<OtpWallDbContext> options) : OtpWallDbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Times are <c>timestamptz</c> here (SQLite keeps EF Core's binary form): psql and reporting tools read them, and the
    /// database compares, orders and subtracts them itself. Every time the dashboard writes is UTC, as Npgsql requires.
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
    }
}

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --context PostgreSqlOtpWallDbContext --output-dir Data/PostgreSql/Migrations</c>
/// build the PostgreSQL model without a server.
/// </summary>
internal sealed class PostgreSqlDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgreSqlOtpWallDbContext>
{
    public PostgreSqlOtpWallDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<OtpWallDbContext>().UseNpgsql("Host=localhost;Database=otpwall_design").Options);
}
