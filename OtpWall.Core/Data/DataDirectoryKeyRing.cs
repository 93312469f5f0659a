using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.Data.PostgreSql;

namespace OtpWall.Core.Data;

/// <summary>
/// Persists the Data Protection key ring beside the data whose secrets it protects: in the data folder with SQLite, in
/// the database's <c>DataProtectionKeys</c> table with PostgreSQL (every replica reads the same ring).
/// </summary>
internal sealed class DataDirectoryKeyRing(
    IOptions<DataDirectoryOptions> data, IOptions<DatabaseOptions> database, IServiceProvider services, ILoggerFactory loggers)
    : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions options) =>
        options.XmlRepository = database.Value.IsPostgreSql
            ? new EntityFrameworkCoreXmlRepository<PostgreSqlOtpWallDbContext>(services, loggers)
            : new FileSystemXmlRepository(new DirectoryInfo(data.Value.KeyRingDirectory), loggers);
}
