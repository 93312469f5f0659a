using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpWall.Core.Data.PostgreSql;

namespace OtpWall.Core.Data;

/// <summary>Creates the context of the configured engine: the SQLite model, or the same model on PostgreSQL.</summary>
internal sealed class OtpWallDbContextFactory(DbContextOptions<OtpWallDbContext> options, IOptions<DatabaseOptions> database) : IDbContextFactory<OtpWallDbContext>
{
    private readonly bool _postgreSql = database.Value.IsPostgreSql;

    public OtpWallDbContext CreateDbContext() => _postgreSql ? new PostgreSqlOtpWallDbContext(options) : new OtpWallDbContext(options);
}
