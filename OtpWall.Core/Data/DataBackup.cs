using System.IO.Compression;
using Microsoft.Data.Sqlite;

namespace OtpWall.Core.Data;

/// <summary>
/// One archive holding a consistent copy of the database (SQLite's online backup, safe while the app runs) and the
/// Data Protection key ring. They travel together: without the key ring, no stored API key can be decrypted.
/// </summary>
public static class DataBackup
{
    private const string DatabaseEntry = "otpwall.db";
    private const string KeysFolder = "keys/";

    public static async Task BackupAsync(DataDirectoryOptions data, string archivePath, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(data.DatabasePath)) throw new InvalidOperationException($"There is no database at {data.DatabasePath} to back up.");
        archivePath = Path.GetFullPath(archivePath);
        Directory.CreateDirectory(Path.GetDirectoryName(archivePath)!);
        var snapshot = archivePath + ".db.partial";
        var partial = archivePath + ".partial";
        try
        {
            await using (var source = new SqliteConnection($"Data Source={data.DatabasePath};Mode=ReadOnly;Pooling=False"))
            await using (var target = new SqliteConnection($"Data Source={snapshot};Pooling=False"))
            {
                await source.OpenAsync(cancellationToken);
                await target.OpenAsync(cancellationToken);
                source.BackupDatabase(target);
            }
            using (var archive = ZipFile.Open(partial, ZipArchiveMode.Create))
            {
                archive.CreateEntryFromFile(snapshot, DatabaseEntry, CompressionLevel.Optimal);
                foreach (var key in Directory.Exists(data.KeyRingDirectory) ? Directory.EnumerateFiles(data.KeyRingDirectory, "*.xml") : [])
                    archive.CreateEntryFromFile(key, KeysFolder + Path.GetFileName(key), CompressionLevel.Optimal);
            }
            File.Move(partial, archivePath, overwrite: true);
        }
        finally
        {
            File.Delete(snapshot);
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Puts an archive's database and key ring into the data folder. Run it while the dashboard is stopped; the
    /// database it replaces is kept beside it as <c>otpwall.db.before-restore-…</c>.
    /// </summary>
    public static void Restore(DataDirectoryOptions data, string archivePath, DateTimeOffset now)
    {
        using var archive = ZipFile.OpenRead(Path.GetFullPath(archivePath));
        var database = archive.GetEntry(DatabaseEntry) ?? throw new InvalidOperationException("This archive holds no database: it is not an OTPWALL Dashboard backup.");
        var keys = archive.Entries.Where(e => e.FullName.StartsWith(KeysFolder, StringComparison.Ordinal) && e.Name.EndsWith(".xml", StringComparison.Ordinal)).ToList();
        if (keys.Count == 0) throw new InvalidOperationException("This archive holds no key ring: the API keys in it could not be decrypted.");

        Directory.CreateDirectory(data.DataDirectory);
        Directory.CreateDirectory(data.KeyRingDirectory);
        SqliteConnection.ClearAllPools();
        if (File.Exists(data.DatabasePath))
            File.Move(data.DatabasePath, $"{data.DatabasePath}.before-restore-{now:yyyyMMddHHmmss}", overwrite: true);
        File.Delete(data.DatabasePath + "-wal");
        File.Delete(data.DatabasePath + "-shm");
        database.ExtractToFile(data.DatabasePath, overwrite: true);
        foreach (var key in keys) key.ExtractToFile(Path.Combine(data.KeyRingDirectory, key.Name), overwrite: true);
    }
}
