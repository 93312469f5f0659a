using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using OtpWall.Core.Data.PostgreSql;

namespace OtpWall.Core.Data;

/// <summary>
/// Hands out contexts of the configured engine (the SQLite model, or the same model on PostgreSQL) from EF Core's pool:
/// a context given back (disposed) is reset and handed out again, so the many short units of work (a page's query, a
/// poll, a session check) do not each build EF Core's internal services anew (about a tenth of what opening a Live
/// tab allocated went to that). A pooled context carries no state of its own between uses: the model has none.
/// </summary>
internal sealed class OtpWallDbContextFactory(DbContextOptions<OtpWallDbContext> options, IOptions<DatabaseOptions> database) : IDbContextFactory<OtpWallDbContext>
{
    private readonly Func<OtpWallDbContext> _create = database.Value.IsPostgreSql
        ? new PooledDbContextFactory<PostgreSqlOtpWallDbContext>(
            new DbContextOptions<PostgreSqlOtpWallDbContext>(options.Extensions.ToDictionary(extension => extension.GetType()))).CreateDbContext
        : new PooledDbContextFactory<OtpWallDbContext>(options).CreateDbContext;

    public OtpWallDbContext CreateDbContext() => _create();
}
