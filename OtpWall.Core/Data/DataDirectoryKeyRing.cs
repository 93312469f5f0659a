using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OtpWall.Core.Data;

/// <summary>Persists the Data Protection key ring in the data folder, beside the database whose secrets it protects.</summary>
internal sealed class DataDirectoryKeyRing(IOptions<DataDirectoryOptions> data, ILoggerFactory loggers) : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions options) =>
        options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(data.Value.KeyRingDirectory), loggers);
}
