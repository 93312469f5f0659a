using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Dashboard.SandboxMode;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Hosting;

[Trait("Database", "SqliteOnly")] // the archive holds otpwall.db and the keys folder; with PostgreSQL: pg_dump
[Trait("Database", "BothEngines")]
public sealed class BackupAndKeyRingTests : IAsyncLifetime
{
    private readonly string _dataDirectory = DashboardHost.NewDataDirectory();
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "otpwall-tests", "scratch-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_scratch);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var folder in new[] { _dataDirectory, _scratch })
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task BackupWhileRunning_ThenWipe_ThenRestore_KeepsAccountsAndTheSavedApiKey()
    {
        var archive = Path.Combine(_scratch, "backups", "otpwall.zip");
        OtpWallApiKey saved;
        await using (var running = new DashboardHost(_dataDirectory))
        {
            var (_, userId) = await running.RegisterAdministratorAsync();
            Assert.True((await running.Services.GetRequiredService<SandboxKeyIssuer>().IssueAsync(userId)).Saved);
            saved = (await running.Services.GetRequiredService<ApiKeyVault>().GetAsync(userId)).Key!;

            await DataBackup.BackupAsync(running.Services.GetRequiredService<IOptions<DataDirectoryOptions>>().Value, archive);
        }

        Directory.Delete(_dataDirectory, recursive: true);
        DataBackup.Restore(new DataDirectoryOptions { DataDirectory = _dataDirectory }, archive, DateTimeOffset.UtcNow);

        await using var restored = new DashboardHost(_dataDirectory);
        using var session = restored.NewSession();
        using var signIn = await session.SignInAsync("admin@example.com", Password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(saved, (await restored.Services.GetRequiredService<ApiKeyVault>().GetAsync(await restored.UserIdAsync("admin@example.com"))).Key);
        Assert.Contains("25.00 USD", await session.GetPageAsync("/wallet"), StringComparison.Ordinal);
    }

    [Fact]
    public void RestoringSomethingElse_IsRefusedWithAReason()
    {
        var notABackup = Path.Combine(_scratch, "other.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(notABackup, System.IO.Compression.ZipArchiveMode.Create)) zip.CreateEntry("readme.txt");

        var error = Assert.Throws<InvalidOperationException>(() =>
            DataBackup.Restore(new DataDirectoryOptions { DataDirectory = _dataDirectory }, notABackup, DateTimeOffset.UtcNow));

        Assert.Contains("not an OTPWALL Dashboard backup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithACertificate_TheKeyRingIsEncryptedAtRest_AndStillOpensAfterARestart()
    {
        var (pfx, password) = MakeCertificate();
        var withCertificate = new Dictionary<string, string?> { ["OtpWall:KeyRing:CertificatePath"] = pfx, ["OtpWall:KeyRing:CertificatePassword"] = password };
        var key = OtpWallApiKey.Parse("Pq8Rs7Tu6Vw5Xy4Za3Bc2De1Fg0Hi9Jk");
        string userId;
        await using (var first = new DashboardHost(_dataDirectory, withCertificate))
        {
            (_, userId) = await first.RegisterAdministratorAsync();
            await first.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, key);
        }

        var ring = string.Concat(Directory.GetFiles(Path.Combine(_dataDirectory, "keys"), "*.xml").Select(File.ReadAllText));
        Assert.Contains("EncryptedData", ring, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", ring, StringComparison.Ordinal);

        await using (var again = new DashboardHost(_dataDirectory, withCertificate))
            Assert.Equal(key, (await again.Services.GetRequiredService<ApiKeyVault>().GetAsync(userId)).Key);

        await using var withoutCertificate = new DashboardHost(_dataDirectory);
        Assert.Equal(StoredKeyState.Unreadable, (await withoutCertificate.Services.GetRequiredService<ApiKeyVault>().GetAsync(userId)).State);
    }

    private (string Path, string Password) MakeCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=OTPWALL Dashboard key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_scratch, "keyring.pfx");
        const string Password = "pfx password for tests";
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return (path, Password);
    }
}
