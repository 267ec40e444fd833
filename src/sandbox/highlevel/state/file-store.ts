import type { StoredFile, UploadRecord } from './records.js';

/** Uploaded attachments (served later under /sandbox/files/<id>/<filename>) and pending signed uploads. */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly uploads = new Map<string, UploadRecord>();

  get size(): number {
    return this.files.size;
  }

  getFile(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  addFile(file: StoredFile): void {
    this.files.set(file.id, file);
  }

  getUpload(uploadId: string): UploadRecord | undefined {
    return this.uploads.get(uploadId);
  }

  addUpload(upload: UploadRecord): void {
    this.uploads.set(upload.uploadId, upload);
  }

  /**
   * For the HTTP layer's `PUT /sandbox/uploads/<uploadId>`: stores the bytes if the upload is known,
   * not completed and its signed URL has not expired (15 minutes, initiate-file-upload).
   */
  receiveUpload(uploadId: string, data: Buffer, now: number): 'stored' | 'unknown' | 'expired' | 'too_large' {
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.completed) return 'unknown';
    if (now > upload.expiresAt) return 'expired';
    if (data.length > upload.maxFileSize) return 'too_large';
    upload.data = data;
    return 'stored';
  }
}
